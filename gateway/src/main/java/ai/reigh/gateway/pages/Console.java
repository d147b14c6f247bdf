package ai.reigh.gateway.pages;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import ai.reigh.gateway.config.GatewayConfig;
import ai.reigh.gateway.proxy.Problems;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The operator console at {@code /console/}: one HTML page, one script and one stylesheet from the
 * gateway's jar (docs/console.md). The page names its script and stylesheet by their content hash
 * ({@code console.js?v=…}), filled in at start, so those are cached for a year and a deployment is
 * seen on the next load; the page itself is revalidated every time (ETag). It holds no session: the
 * browser keeps the operator's token and calls the admin API on this same origin.
 */
@ApplicationScoped
public class Console {
    static final String PAGE_CACHE = "no-cache";
    static final String ASSET_CACHE = "public, max-age=31536000, immutable";
    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** After the request-id filter, before the proxy's catch-all (order 10 000); beside the API reference. */
    private static final int ORDER = 100;

    private final Map<String, StaticAsset> routes;

    public Console(GatewayConfig config) {
        StaticAsset script = StaticAsset.load("/reigh-console/console.js", "text/javascript; charset=utf-8", ASSET_CACHE);
        StaticAsset style = StaticAsset.load("/reigh-console/console.css", "text/css; charset=utf-8", ASSET_CACHE);
        String html = new String(StaticAsset.load("/reigh-console/index.html", "", "").bytes(), StandardCharsets.UTF_8)
                .replace("{{console.js}}", "/console/console.js?v=" + version(script))
                .replace("{{console.css}}", "/console/console.css?v=" + version(style))
                .replace("{{login-url}}", attribute(config.consoleLoginUrl().orElse("")));
        StaticAsset page = StaticAsset.of(html.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8", PAGE_CACHE);
        this.routes = Map.of("/console/", page, "/console/console.js", script, "/console/console.css", style);
    }

    void install(@Observes Router router) {
        // Vert.x matches "/console" for "/console/" too: only the bare path is redirected.
        router.route("/console").order(ORDER).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(context -> {
            if (context.request().path().equals("/console")) {
                context.response().setStatusCode(308).putHeader("Location", "/console/").end();
            } else {
                context.next();
            }
        });
        routes.keySet().forEach(path -> router.route(path).order(ORDER).method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(this::serve));
        router.route("/console/*").order(ORDER + 1).handler(context -> Problems.send(context.response(), 404, "not_found",
                "Not found", "No such file of the console.", context.request().getHeader("X-Request-Id")));
    }

    void serve(RoutingContext context) {
        routes.get(context.normalizedPath()).serve(context, PAGE_POLICY);
    }

    /** The content hash of the ETag, without its quotes: the asset's version in the page's links. */
    private static String version(StaticAsset asset) {
        return asset.etag().replace("\"", "");
    }

    /** A value for a double-quoted HTML attribute. */
    static String attribute(String value) {
        return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}

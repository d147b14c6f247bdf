package ai.reigh.gateway.pages;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import ai.reigh.gateway.proxy.Problems;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The public API described once, at the gateway's origin: {@code /openapi.json} and {@code /openapi.yaml}
 * (the document the api module merged at build time from the services' own, generated from their code)
 * and {@code /docs}, a Swagger UI reference page for it.
 *
 * <p>Everything is in the gateway's jar and loaded at start: the page works with every service down, on
 * a machine without internet access, and does not depend on any service's {@code /q} endpoints. Swagger
 * UI comes from the same SmallRye jar the services' own {@code /q/swagger-ui} uses (a Maven artifact,
 * so no npm step in the Java build and no CDN at run time). The page's own script is a file, not inline,
 * so its Content-Security-Policy can allow scripts from this origin only.
 */
@ApplicationScoped
public class ApiDocs {
    /** The document and the page's own files change with a deployment: revalidated (ETag) after 5 minutes. */
    static final String DOCUMENT_CACHE = "public, max-age=300";
    /** Swagger UI's files change only with the gateway's build. */
    static final String ASSET_CACHE = "public, max-age=86400";
    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";
    /** After the request-id filter, before the proxy's catch-all (order 10 000). */
    private static final int ORDER = 100;

    private final Map<String, StaticAsset> routes;

    public ApiDocs() {
        StaticAsset page = StaticAsset.load("/reigh-docs/index.html", "text/html; charset=utf-8", "no-cache");
        this.routes = Map.of(
                "/openapi.json", StaticAsset.load("/reigh-api/openapi.json", "application/json", DOCUMENT_CACHE),
                "/openapi.yaml", StaticAsset.load("/reigh-api/openapi.yaml", "application/yaml; charset=utf-8", DOCUMENT_CACHE),
                "/docs", page,
                "/docs/", page,
                "/docs/reigh-docs.js", StaticAsset.load("/reigh-docs/reigh-docs.js", "text/javascript; charset=utf-8",
                        DOCUMENT_CACHE),
                "/docs/reigh-docs.css", StaticAsset.load("/reigh-docs/reigh-docs.css", "text/css; charset=utf-8",
                        DOCUMENT_CACHE),
                "/docs/swagger-ui-bundle.js", StaticAsset.load("/reigh-docs/swagger-ui/swagger-ui-bundle.js",
                        "text/javascript; charset=utf-8", ASSET_CACHE),
                "/docs/swagger-ui.css", StaticAsset.load("/reigh-docs/swagger-ui/swagger-ui.css", "text/css; charset=utf-8",
                        ASSET_CACHE));
    }

    void install(@Observes Router router) {
        routes.keySet().forEach(path -> router.route(path).order(ORDER).method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(this::serve));
        // Nothing else lives under /docs: a clear 404 rather than a "no route" from the proxy.
        router.route("/docs/*").order(ORDER + 1).handler(context -> Problems.send(context.response(), 404, "not_found",
                "Not found", "No such file of the API reference.", context.request().getHeader("X-Request-Id")));
    }

    void serve(RoutingContext context) {
        routes.get(context.normalizedPath()).serve(context, PAGE_POLICY);
    }
}

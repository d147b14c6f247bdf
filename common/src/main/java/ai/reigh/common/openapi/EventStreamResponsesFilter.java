package ai.reigh.common.openapi;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * A server-sent events route ({@code text/event-stream}) answers a stream of text: the scanner describes
 * it as an array of JAX-RS's {@code OutboundSseEvent} (a Java type, with its getters as fields), which
 * would tell a client to parse JSON it will never get. The success body becomes a string with a pointer
 * to the route's own description of its events.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class EventStreamResponsesFilter implements OASFilter {
    static final String EVENT_STREAM = "text/event-stream";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Operation operation : item.getOperations().values()) {
                if (operation.getResponses() == null || operation.getResponses().getAPIResponses() == null) {
                    continue;
                }
                operation.getResponses().getAPIResponses().forEach((status, response) -> describeStream(status, response));
            }
        }
    }

    private static void describeStream(String status, APIResponse response) {
        if (!status.startsWith("2") || response.getContent() == null) {
            return;
        }
        MediaType stream = response.getContent().getMediaType(EVENT_STREAM);
        if (stream != null) {
            stream.setSchema(OASFactory.createSchema().type(List.of(SchemaType.STRING))
                    .description("Server-sent events (text/event-stream): `id:`, `event:` and `data:` lines per event, "
                            + "comment lines as keep-alives; see the operation's description"));
        }
    }
}

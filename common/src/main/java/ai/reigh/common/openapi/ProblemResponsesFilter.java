package ai.reigh.common.openapi;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import ai.reigh.common.error.Problem;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * Every service's OpenAPI document says what every route does on failure: an RFC 9457
 * {@code application/problem+json} body ({@link Problem}), whatever the status. The scanner sees only the
 * success type of a method, so each documented 4xx/5xx response gets the problem as its content and each
 * operation a {@code default} response for the statuses it does not list (404, 409, 413, 429, 503, ...).
 *
 * <p>Runs at build time, so the document each service serves and the one it stores for the gateway's
 * merged document (target/openapi) are the same.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class ProblemResponsesFilter implements OASFilter {
    static final String PROBLEM = "Problem";
    static final String FIELD_ERROR = "FieldError";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Components components = openAPI.getComponents();
        components.addSchema(FIELD_ERROR, fieldError());
        components.addSchema(PROBLEM, problem());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Operation operation : item.getOperations().values()) {
                documentFailures(operation);
            }
        }
    }

    private static void documentFailures(Operation operation) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        if (responses.getAPIResponses() != null) {
            for (Map.Entry<String, APIResponse> response : responses.getAPIResponses().entrySet()) {
                if (isFailure(response.getKey())) {
                    response.getValue().setContent(problemContent());
                }
            }
        }
        if (!responses.hasAPIResponse(APIResponses.DEFAULT)) {
            responses.addAPIResponse(APIResponses.DEFAULT, OASFactory.createAPIResponse()
                    .description("Any other failure (404, 409, 413, 422, 429, 503, ...): a problem with a stable code")
                    .content(problemContent()));
        }
    }

    private static boolean isFailure(String status) {
        return status.startsWith("4") || status.startsWith("5") || status.equals(APIResponses.DEFAULT);
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM)));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().type(List.of(SchemaType.STRING)).description(description);
    }

    private static Schema fieldError() {
        return OASFactory.createSchema().type(List.of(SchemaType.OBJECT))
                .description("One invalid input field of a 400 problem")
                .required(List.of("field", "message"))
                .addProperty("field", string("The field at fault, as a snake_case JSON path (e.g. params.prompt)"))
                .addProperty("message", string("What is wrong with it"));
    }

    private static Schema problem() {
        return OASFactory.createSchema().type(List.of(SchemaType.OBJECT))
                .description("An RFC 9457 problem: the body of every failure (application/problem+json)")
                .required(List.of("type", "title", "status", "code"))
                .addProperty("type", string("A URI naming the kind of problem").format("uri"))
                .addProperty("title", string("A short summary of the kind of problem"))
                .addProperty("status", OASFactory.createSchema().type(List.of(SchemaType.INTEGER)).format("int32")
                        .description("The HTTP status"))
                .addProperty("detail", string("What went wrong this time, for people (never a stack trace, SQL or host)"))
                .addProperty("code", string("The stable machine-readable code (validation_failed, not_found, lease_lost, ...)"))
                .addProperty("errors", OASFactory.createSchema().type(List.of(SchemaType.ARRAY))
                        .description("The invalid fields, on 400 validation problems")
                        .items(OASFactory.createSchema().ref(FIELD_ERROR)))
                .addProperty("request_id", string("The request's X-Request-Id, for support and logs"))
                .addProperty("trace_id", string("The id of the request's trace (W3C trace context, 32 hex digits), in logs"
                        + " and the tracing backend"));
    }
}

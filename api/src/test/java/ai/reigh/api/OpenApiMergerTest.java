package ai.reigh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import ai.reigh.api.OpenApiMerger.ServiceDocument;

/** The merge rules on small documents made for each rule. */
class OpenApiMergerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode info() {
        return JSON.createObjectNode().put("title", "t").put("version", "1");
    }

    private static JsonNode doc(String json) throws Exception {
        return JSON.readTree(json.replace('\'', '"'));
    }

    private static final String PROBLEM = "{'type':'object','properties':{'code':{'type':'string'}}}";

    @Test
    void internalAndQuarkusPathsAreLeftOutWithTheComponentsOnlyTheyReference() throws Exception {
        JsonNode projects = doc("""
                {'openapi':'3.1.0','paths':{
                  '/v1/projects':{'get':{'responses':{'200':{'content':{'application/json':{'schema':{'$ref':'#/components/schemas/Page'}}}}}}},
                  '/internal/v1/generations':{'post':{'requestBody':{'content':{'application/json':{'schema':{'$ref':'#/components/schemas/FromTask'}}}}}},
                  '/q/health':{'get':{}}},
                 'components':{'schemas':{
                   'Page':{'type':'object','properties':{'items':{'type':'array','items':{'$ref':'#/components/schemas/Project'}}}},
                   'Project':{'type':'object'},
                   'FromTask':{'type':'object'}}}}""");

        ObjectNode merged = OpenApiMerger.merge(List.of(new ServiceDocument("projects", projects)), info());

        assertThat(merged.path("paths").fieldNames()).toIterable().containsExactly("/v1/projects");
        assertThat(merged.path("components").path("schemas").fieldNames()).toIterable()
                .containsExactly("Page", "Project");
        assertThat(merged.at("/paths/~1v1~1projects/get/x-reigh-service").asText()).isEqualTo("projects");
    }

    @Test
    void identicalComponentsAreWrittenOnceAndDifferentOnesGetTheirServicesName() throws Exception {
        JsonNode tasks = doc("""
                {'openapi':'3.1.0','paths':{
                  '/v1/tasks':{'get':{'responses':{'200':{'content':{'application/json':{'schema':{'$ref':'#/components/schemas/PageView'}}}},
                                                    'default':{'content':{'application/problem+json':{'schema':{'$ref':'#/components/schemas/Problem'}}}}}}}},
                 'components':{'schemas':{'Problem':%s,
                   'PageView':{'type':'object','properties':{'items':{'type':'array','items':{'$ref':'#/components/schemas/View'}}}},
                   'View':{'type':'object','properties':{'status':{'type':'string'}}}}}}""".formatted(PROBLEM));
        JsonNode storage = doc("""
                {'openapi':'3.1.0','paths':{
                  '/v1/storage/objects':{'get':{'responses':{'200':{'content':{'application/json':{'schema':{'$ref':'#/components/schemas/PageView'}}}},
                                                              'default':{'content':{'application/problem+json':{'schema':{'$ref':'#/components/schemas/Problem'}}}}}}}},
                 'components':{'schemas':{'Problem':%s,
                   'PageView':{'type':'object','properties':{'items':{'type':'array','items':{'$ref':'#/components/schemas/View'}}}},
                   'View':{'type':'object','properties':{'bucket':{'type':'string'}}}}}}""".formatted(PROBLEM));

        ObjectNode merged = OpenApiMerger.merge(
                List.of(new ServiceDocument("tasks", tasks), new ServiceDocument("storage", storage)), info());

        JsonNode schemas = merged.path("components").path("schemas");
        // View differs; PageView is textually identical but references View, so it differs once View is renamed.
        assertThat(schemas.fieldNames()).toIterable().containsExactly("Problem", "StoragePageView", "StorageView",
                "TasksPageView", "TasksView");
        assertThat(schemas.at("/TasksPageView/properties/items/items/$ref").asText())
                .isEqualTo("#/components/schemas/TasksView");
        assertThat(merged.at("/paths/~1v1~1storage~1objects/get/responses/200/content/application~1json/schema/$ref")
                .asText()).isEqualTo("#/components/schemas/StoragePageView");
        assertThat(merged.at("/paths/~1v1~1tasks/get/responses/default/content/application~1problem+json/schema/$ref")
                .asText()).isEqualTo("#/components/schemas/Problem");
    }

    @Test
    void twoServicesDocumentingTheSameOperationIsAnError() throws Exception {
        JsonNode a = doc("{'openapi':'3.1.0','paths':{'/v1/workers/uploads':{'post':{}}}}");
        JsonNode b = doc("{'openapi':'3.1.0','paths':{'/v1/workers/uploads':{'post':{}},'/v1/workers/claim':{'post':{}}}}");

        assertThatThrownBy(() -> OpenApiMerger.merge(
                List.of(new ServiceDocument("tasks", b), new ServiceDocument("storage", a)), info()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("POST /v1/workers/uploads is documented by both tasks and storage");
    }

    @Test
    void differentMethodsOfOnePathFromTwoServicesShareThePathItem() throws Exception {
        JsonNode a = doc("{'openapi':'3.1.0','paths':{'/v1/x':{'get':{}}}}");
        JsonNode b = doc("{'openapi':'3.1.0','paths':{'/v1/x':{'post':{}}}}");

        ObjectNode merged = OpenApiMerger.merge(List.of(new ServiceDocument("a", a), new ServiceDocument("b", b)), info());

        assertThat(merged.at("/paths/~1v1~1x/get/x-reigh-service").asText()).isEqualTo("a");
        assertThat(merged.at("/paths/~1v1~1x/post/x-reigh-service").asText()).isEqualTo("b");
    }

    @Test
    void aReferenceToAMissingComponentIsAnError() throws Exception {
        JsonNode broken = doc("""
                {'openapi':'3.1.0','paths':{'/v1/x':{'get':{'responses':{'200':{'content':{'application/json':
                  {'schema':{'$ref':'#/components/schemas/Nowhere'}}}}}}}}}""");

        assertThatThrownBy(() -> OpenApiMerger.merge(List.of(new ServiceDocument("a", broken)), info()))
                .hasMessageContaining("#/components/schemas/Nowhere is referenced but not defined");
    }

    @Test
    void securitySchemesAreKeptOnceAndTagsOnlyWhenAPublicOperationUsesThem() throws Exception {
        String scheme = "{'type':'http','scheme':'bearer','bearerFormat':'JWT'}";
        JsonNode a = doc("""
                {'openapi':'3.1.0','tags':[{'name':'credits','description':'Balances'},{'name':'internal'}],
                 'paths':{'/v1/credits/balance':{'get':{'tags':['credits']}},'/internal/v1/charges':{'post':{'tags':['internal']}}},
                 'components':{'securitySchemes':{'SecurityScheme':%s}}}""".formatted(scheme));
        JsonNode b = doc("{'openapi':'3.1.0','paths':{'/v1/tasks':{'get':{}}},'components':{'securitySchemes':{'SecurityScheme':%s}}}"
                .formatted(scheme));

        ObjectNode merged = OpenApiMerger.merge(List.of(new ServiceDocument("a", a), new ServiceDocument("b", b)), info());

        assertThat(merged.path("tags").findValuesAsText("name")).containsExactly("credits");
        assertThat(merged.path("components").path("securitySchemes").fieldNames()).toIterable()
                .containsExactly("SecurityScheme");
    }

    @Test
    void theOutputDoesNotDependOnTheOrderOfPathsInTheInput() throws Exception {
        JsonNode forward = doc("{'openapi':'3.1.0','paths':{'/v1/a':{'get':{}},'/v1/b':{'get':{}}}}");
        JsonNode backward = doc("{'openapi':'3.1.0','paths':{'/v1/b':{'get':{}},'/v1/a':{'get':{}}}}");

        assertThat(MergeOpenApiMain.toJson(OpenApiMerger.merge(List.of(new ServiceDocument("s", forward)), info())))
                .isEqualTo(MergeOpenApiMain.toJson(OpenApiMerger.merge(List.of(new ServiceDocument("s", backward)), info())));
    }
}

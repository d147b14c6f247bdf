package ai.reigh.credits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.testing.Api;
import ai.reigh.common.testing.SqlSession;
import ai.reigh.common.testing.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** A user's own balance, ledger pages and welcome bonus. */
@QuarkusTest
class AccountTest {

    @Test
    void aNewUserHasZeroCreditsAndAnEmptyLedgerWithoutARow() {
        UUID stranger = UUID.randomUUID();
        JsonPath balance = Api.as(Tokens.user(stranger)).get("/v1/credits/balance").then().statusCode(200).extract().jsonPath();
        assertThat(balance.getObject("total_credits", BigDecimal.class)).isEqualByComparingTo("0");
        Api.as(Tokens.user(stranger)).get("/v1/credits/ledger").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("next_cursor", nullValue());
        assertThat(Fixtures.balance(stranger)).as("a read provisions nothing").isNull();
    }

    @Test
    void theBalanceFollowsTheLedger() {
        UUID user = Fixtures.user();
        Fixtures.grant(user, "12.345");
        Fixtures.grant(user, "-2.345");
        JsonPath balance = Api.as(Tokens.user(user)).get("/v1/credits/balance").then().statusCode(200).extract().jsonPath();
        assertThat(balance.getObject("total_credits", BigDecimal.class)).isEqualByComparingTo("10");
    }

    @Test
    void theLedgerIsPagedNewestFirstWithACursor() {
        UUID user = Fixtures.user();
        for (int i = 1; i <= 5; i++) {
            Fixtures.grant(user, String.valueOf(i));
        }
        List<BigDecimal> amounts = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = Api.as(Tokens.user(user)).queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/v1/credits/ledger").then().statusCode(200).extract().jsonPath();
            amounts.addAll(page.getList("items.amount", BigDecimal.class));
            cursor = page.getString("next_cursor");
            pages++;
        } while (cursor != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(amounts).extracting(BigDecimal::intValue).containsExactly(5, 4, 3, 2, 1);
    }

    @Test
    void badPagingParametersAre400() {
        UUID user = Fixtures.user();
        for (String limit : new String[] { "0", "201", "abc", "-1", "1.5" }) {
            Api.as(Tokens.user(user)).queryParam("limit", limit).get("/v1/credits/ledger").then().statusCode(400)
                    .body("errors[0].field", equalTo("limit"));
        }
        Api.as(Tokens.user(user)).queryParam("cursor", "not-a-cursor").get("/v1/credits/ledger").then().statusCode(400)
                .body("code", equalTo("invalid_cursor"));
    }

    @Test
    void theWelcomeBonusIsGrantedOnceEvenToConcurrentCallsAndProvisionsTheUser() {
        UUID newcomer = UUID.randomUUID();
        String token = Tokens.user(newcomer);

        List<Response> answers = Race.run(10, i -> Api.as(token).post("/v1/credits/welcome-bonus"));

        assertThat(answers).extracting(Response::statusCode).containsOnly(201, 409);
        assertThat(answers.stream().filter(a -> a.statusCode() == 201)).hasSize(1);
        answers.stream().filter(a -> a.statusCode() == 409)
                .forEach(a -> assertThat(a.jsonPath().getString("code")).isEqualTo("welcome_bonus_already_granted"));
        Response granted = answers.stream().filter(a -> a.statusCode() == 201).findFirst().orElseThrow();
        assertThat(granted.jsonPath().getObject("amount", BigDecimal.class)).isEqualByComparingTo("500");
        assertThat(granted.jsonPath().getString("type")).isEqualTo("manual");
        assertThat(Fixtures.balance(newcomer)).isEqualByComparingTo("500");
        assertThat(Fixtures.entries("user_id = ?", newcomer)).isEqualTo(1);
        try (SqlSession credits = SqlSession.as("reigh_credits").actingAsService()) {
            assertThat(credits.value("SELECT email FROM users WHERE id = ?", newcomer)).isEqualTo(newcomer + "@example.test");
        }

        Api.as(token).post("/v1/credits/welcome-bonus").then().statusCode(409);
        assertThat(Fixtures.balance(newcomer)).isEqualByComparingTo("500");
    }

    @Test
    void creditsRoutesNeedASignedInUser() {
        Api.given().get("/v1/credits/balance").then().statusCode(401).body("code", equalTo("unauthorized"));
        Api.given().post("/v1/credits/welcome-bonus").then().statusCode(401);
        Api.as(Tokens.worker()).get("/v1/credits/balance").then().statusCode(403);
        Api.as(Tokens.service()).post("/v1/credits/welcome-bonus").then().statusCode(403);
    }
}

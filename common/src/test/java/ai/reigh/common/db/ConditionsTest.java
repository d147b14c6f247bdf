package ai.reigh.common.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The WHERE clause of a list, assembled from the filters given. */
class ConditionsTest {

    @Test
    void placeholdersAreNumberedInTheOrderOfTheirArguments() {
        UUID project = UUID.randomUUID();
        Conditions where = new Conditions().and("g.project_id = $%d", project).and("g.url IS NOT NULL")
                .and("g.type = $%d", "video").and("(g.created_at, g.id) < ($%d, $%d)", "2026-01-01", "id");
        assertThat(where.sql()).isEqualTo(
                "g.project_id = $1 AND g.url IS NOT NULL AND g.type = $2 AND (g.created_at, g.id) < ($3, $4)");
        assertThat(where.arguments().size()).isEqualTo(4);
        assertThat(where.arguments().getValue(0)).isEqualTo(project);
        assertThat(where.arguments().getValue(3)).isEqualTo("id");
    }

    @Test
    void anArrayIsOneArgument() {
        String[] types = { "image", "video", "audio" };
        Conditions where = new Conditions().and("g.type = ANY ($%d::text[])", types).and("g.starred = $%d", true);
        assertThat(where.sql()).isEqualTo("g.type = ANY ($1::text[]) AND g.starred = $2");
        assertThat(where.arguments().size()).isEqualTo(2);
        assertThat(where.arguments().getValue(0)).isSameAs(types);
    }

    @Test
    void aFilterLeftOutAddsNothingAndNumbersTheNextOneOnItsOwn() {
        Conditions where = new Conditions().andGiven("g.type = $%d", null).andEither(null, "g.starred", "NOT g.starred")
                .andGiven("g.url = $%d", "https://x").andEither(false, "g.url IS NOT NULL", "g.url IS NULL");
        assertThat(where.sql()).isEqualTo("g.url = $1 AND g.url IS NULL");
        assertThat(where.arguments().size()).isEqualTo(1);
    }

    /** Numbered without String.format, and the same text as it gives: past nine, and twice in a fragment. */
    @Test
    void placeholdersPastNineAreNumberedAsFormatNumbersThem() {
        Conditions where = new Conditions();
        for (int i = 1; i <= 10; i++) {
            where.and("g.c%d = $%d".replace("c%d", "c" + i), i);
        }
        String owned = "EXISTS (SELECT 1 FROM projects p WHERE p.id = $%d AND p.user_id = $%d)";
        where.and(owned, "project", "owner");
        assertThat(where.sql()).endsWith("g.c9 = $9 AND g.c10 = $10 AND " + owned.formatted(11, 12));
        assertThat(Conditions.numbered("no placeholder", 7)).isEqualTo("no placeholder");
        assertThat(Conditions.numbered("$%d::uuid[] <@ $%d", 99)).isEqualTo("$99::uuid[] <@ $100");
    }

    @Test
    void noConditionKeepsEveryRow() {
        assertThat(new Conditions().sql()).isEqualTo("true");
        assertThat(new Conditions().arguments().size()).isZero();
    }
}

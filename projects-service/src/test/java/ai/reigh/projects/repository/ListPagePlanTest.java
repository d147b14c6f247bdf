package ai.reigh.projects.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.common.db.Db.PageRead;
import ai.reigh.common.page.PageRequest;
import ai.reigh.common.testing.Plans;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A list page checks the project's ownership itself, so the page needs no statement before it (the
 * services ask whether the project exists only when a page comes back empty). The check must be made once
 * for the statement, not per row: a stranger naming a project of 5 000 rows must not make PostgreSQL walk
 * them. The statements the repositories build are planned as the service runs them (generic plan, the
 * service's role, row-level security on), in a transaction that is rolled back.
 */
@QuarkusTest
class ListPagePlanTest {
    private static final GenerationFilter NO_GENERATION_FILTER = new GenerationFilter(null, null, null, false, null,
            null, null, null, null, null, null, null, null, null, null, null, false);
    private static final VariantRepository.ProjectVariantFilter NO_VARIANT_FILTER =
            new VariantRepository.ProjectVariantFilter(null, null, null, false, false);
    private static final PageRequest FIRST_PAGE = PageRequest.of(50, null);

    private final UUID owner = UUID.randomUUID();
    private final UUID stranger = UUID.randomUUID();
    private final UUID project = UUID.randomUUID();

    @Test
    void aStrangersGenerationsPageIsRefusedOnceWithoutWalkingTheProject() throws Exception {
        String page = GenerationRepository.pageSql(
                GenerationRepository.pageConditions(project, stranger, NO_GENERATION_FILTER, FIRST_PAGE),
                NO_GENERATION_FILTER, FIRST_PAGE);
        assertRefusedOnceForAStrangerAndServedToTheOwner("INSERT INTO generations (project_id, type, url, created_at)"
                + " SELECT '" + project + "', 'image', 'https://cdn.example/' || i || '.png',"
                + " now() - i * interval '1 second' FROM generate_series(1, 5000) i", page);
    }

    @Test
    void aStrangersVariantsPageIsRefusedOnceWithoutWalkingTheProject() throws Exception {
        String page = VariantRepository.pageSql(VariantRepository.inOwnedProject(project, stranger, NO_VARIANT_FILTER),
                false, FIRST_PAGE);
        assertRefusedOnceForAStrangerAndServedToTheOwner("INSERT INTO generation_variants (generation_id, project_id,"
                + " url, variant_type, created_at) SELECT gen_random_uuid(), '" + project + "',"
                + " 'https://cdn.example/v' || i || '.png', 'upscaled', now() - i * interval '1 second'"
                + " FROM generate_series(1, 5000) i", page);
    }

    /**
     * A page that names a shot fetches the shot's generations through the shot's own index and sorts them
     * ({@link GenerationFilter#pageRead}: few then sort). Walked through the project's index in order
     * instead, a shot of three old generations read all 5 000 of the project's to learn there were no more.
     */
    @Test
    void aShotsGenerationsPageFetchesTheShotInsteadOfWalkingTheProject() throws Exception {
        UUID shot = UUID.randomUUID();
        GenerationFilter inShot = new GenerationFilter(null, null, shot, false, null, null, null, null, null, null, null,
                null, null, null, null, null, false);
        assertThat(inShot.pageRead()).isEqualTo(PageRead.FEW_THEN_SORT);
        assertThat(NO_GENERATION_FILTER.pageRead()).isEqualTo(PageRead.IN_ORDER);
        String page = GenerationRepository.pageSql(GenerationRepository.pageConditions(project, owner, inShot, FIRST_PAGE),
                inShot, FIRST_PAGE);
        Plans.inRolledBackTransaction(sql -> {
            sql.execute("INSERT INTO projects (id, user_id, name) VALUES ('" + project + "', '" + owner + "', 'plan test')");
            sql.execute("INSERT INTO shots (id, project_id, name, \"order\") VALUES ('" + shot + "', '" + project + "', 's', 0)");
            sql.execute("INSERT INTO generations (project_id, type, url, created_at) SELECT '" + project + "', 'image',"
                    + " 'https://cdn.example/' || i || '.png', now() - i * interval '1 second' FROM generate_series(1, 5000) i");
            sql.execute("INSERT INTO shot_generations (shot_id, generation_id) SELECT '" + shot + "', id FROM generations"
                    + " WHERE project_id = '" + project + "' ORDER BY created_at LIMIT 3");
            sql.execute("ANALYZE generations, shot_generations");
            Plans.asServiceReadingAPage(sql, "reigh_projects", inShot.pageRead());
            sql.execute("PREPARE page(uuid, uuid, uuid, uuid) AS " + page);

            Plans.actAs(sql, owner);
            String served = Plans.executed(sql, "EXECUTE page('" + project + "', '" + shot + "', '" + project + "', '"
                    + owner + "')");
            assertThat(served).as(served).startsWith("Limit (actual rows=3")
                    .doesNotContain("generations_project_newest_first");
        });
    }

    /** {@code page} takes ($1 project, $2 project, $3 owner): refused once for a stranger, 51 rows for the owner. */
    private void assertRefusedOnceForAStrangerAndServedToTheOwner(String fill, String page) throws Exception {
        Plans.inRolledBackTransaction(sql -> {
            sql.execute("INSERT INTO projects (id, user_id, name) VALUES ('" + project + "', '" + owner + "', 'plan test')");
            sql.execute(fill);
            Plans.asServiceReadingAPage(sql, "reigh_projects", PageRead.IN_ORDER);
            sql.execute("PREPARE page(uuid, uuid, uuid) AS " + page);

            Plans.actAs(sql, stranger);
            String refused = Plans.executed(sql, execute(stranger));
            assertThat(refused).as(refused).contains("One-Time Filter").contains("(never executed)")
                    .startsWith("Limit (actual rows=0");

            Plans.actAs(sql, owner);
            String served = Plans.executed(sql, execute(owner));
            assertThat(served).as(served).startsWith("Limit (actual rows=51");
        });
    }

    private String execute(UUID caller) {
        return "EXECUTE page('" + project + "', '" + project + "', '" + caller + "')";
    }
}

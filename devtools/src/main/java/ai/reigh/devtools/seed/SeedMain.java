package ai.reigh.devtools.seed;

import ai.reigh.devtools.http.ApiException;
import ai.reigh.devtools.http.PlatformClient;

/**
 * {@code ./reigh seed}: the launcher passes the gateway URL and dev tokens for the two demo users and
 * an admin (REIGH_GATEWAY, REIGH_ALICE_TOKEN, REIGH_BOB_TOKEN, REIGH_ADMIN_TOKEN). With
 * {@code --round <id>} ({@code ./reigh demo} passes a fresh one each run) it then queues a
 * {@link DemoRound} in alice's first project.
 */
public final class SeedMain {
    private SeedMain() {
    }

    public static void main(String[] args) {
        String gateway = env("REIGH_GATEWAY");
        PlatformClient alice = new PlatformClient(gateway, env("REIGH_ALICE_TOKEN"));
        try {
            java.util.List<String> projects = new Seeder(alice, alice.as(env("REIGH_BOB_TOKEN")),
                    alice.as(env("REIGH_ADMIN_TOKEN")), System.out).seed();
            if (args.length == 2 && args[0].equals("--round")) {
                int queued = new DemoRound(alice).queue(projects.get(0), args[1]).size();
                System.out.println("Queued demo round " + args[1] + ": " + queued + " tasks.");
            } else if (args.length != 0) {
                System.err.println("seed: usage: SeedMain [--round <id>]");
                System.exit(2);
            }
        } catch (ApiException e) {
            System.err.println("seed: " + e.getMessage());
            System.exit(1);
        }
    }

    static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println("seed: " + name + " is not set (run it as ./reigh seed)");
            System.exit(2);
        }
        return value;
    }
}

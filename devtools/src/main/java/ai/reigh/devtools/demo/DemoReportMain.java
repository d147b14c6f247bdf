package ai.reigh.devtools.demo;

import java.util.LinkedHashMap;
import java.util.Map;

import ai.reigh.devtools.http.PlatformClient;

/** The last step of {@code ./reigh demo}: the report (env as for the seed). */
public final class DemoReportMain {
    private DemoReportMain() {
    }

    public static void main(String[] args) {
        String gateway = System.getenv("REIGH_GATEWAY");
        Map<String, PlatformClient> users = new LinkedHashMap<>();
        users.put("alice", new PlatformClient(gateway, System.getenv("REIGH_ALICE_TOKEN")));
        users.put("bob", new PlatformClient(gateway, System.getenv("REIGH_BOB_TOKEN")));
        // ./reigh demo runs workers of both protocols; the fleet's ids start with REIGH_FLEET_PREFIX.
        boolean balanced = new DemoReport(System.out, System.getenv("REIGH_FLEET_PREFIX")).print(users);
        System.exit(balanced ? 0 : 1);
    }
}

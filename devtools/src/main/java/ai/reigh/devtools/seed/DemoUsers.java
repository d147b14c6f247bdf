package ai.reigh.devtools.seed;

import java.util.UUID;

/** The demo's people (fixed ids, so that seeding twice finds what it made the first time). */
public final class DemoUsers {
    public static final UUID ALICE = UUID.fromString("00000000-0000-4000-8000-00000000a11c");
    public static final UUID BOB = UUID.fromString("00000000-0000-4000-8000-000000000b0b");

    private DemoUsers() {
    }
}

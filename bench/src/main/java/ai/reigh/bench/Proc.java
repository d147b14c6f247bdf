package ai.reigh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What Linux says about processes and the machine ({@code /proc}): CPU time of a process (and of a
 * process tree, for PostgreSQL's backends), resident memory, cores and memory of the machine.
 */
public final class Proc {
    /** USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux we run on. */
    static final double TICKS_PER_SECOND = 100.0;
    /** How /proc/<pid>/maps marks a mapped file that has been deleted or replaced since. */
    private static final String DELETED = " (deleted)";

    private Proc() {
    }

    /** User + system CPU seconds a process has used so far. */
    public static double cpuSeconds(long pid) {
        Stat stat = stat(pid);
        return (stat.utimeTicks() + stat.stimeTicks()) / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds of a process and all its descendants alive now (PostgreSQL: postmaster and backends),
     * plus the root's reaped children (cutime, cstime): a backend that exited within the window (a
     * closed connection) still counts.
     */
    public static double treeCpuSeconds(long root) {
        Stat rootStat = stat(root);
        double total = (rootStat.childUtimeTicks() + rootStat.childStimeTicks()) / TICKS_PER_SECOND;
        for (long pid : tree(root)) {
            try {
                total += cpuSeconds(pid);
            } catch (IllegalStateException gone) {
                // A backend that exited between the listing and the read: its time is lost either way.
            }
        }
        return total;
    }

    /** Resident set size in bytes (VmRSS). */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
        throw new IllegalStateException("no VmRSS for process " + pid);
    }

    public static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }

    public static long memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    public static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    /**
     * The Java release a process runs on (its executable's JDK, from that JDK's {@code release} file) and,
     * when it maps one, its AOT cache's file name: "25.0.3, AOT cache reigh-25.0.3-….aot".
     */
    public static String javaOf(long pid) {
        try {
            Path home = Path.of("/proc", Long.toString(pid), "exe").toRealPath().getParent().getParent();
            String version = Files.readAllLines(home.resolve("release")).stream()
                    .filter(line -> line.startsWith("JAVA_VERSION=")).map(line -> line.substring(13).replace("\"", ""))
                    .findFirst().orElse("unknown");
            return version + aotCacheOf(Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps")));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * The AOT cache a process maps, from its {@code /proc/<pid>/maps} lines: ", AOT cache <file name>", with
     * "(replaced since)" when the file was recorded again after the process mapped it (the kernel marks
     * the mapping deleted), or "" when it maps none.
     */
    static String aotCacheOf(List<String> mapsLines) {
        for (String line : mapsLines) {
            boolean replaced = line.endsWith(DELETED);
            String path = replaced ? line.substring(0, line.length() - DELETED.length()) : line;
            if (path.endsWith(".aot")) {
                String name = Path.of(path.substring(path.lastIndexOf(' ') + 1)).getFileName().toString();
                return ", AOT cache " + name + (replaced ? " (replaced since)" : "");
            }
        }
        return "";
    }

    /** The 1-minute load average: how busy the shared machine was when the run started. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static List<Long> tree(long root) {
        List<Long> all = new ArrayList<>();
        all.add(root);
        List<long[]> parents = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(path -> path.getFileName().toString()).filter(name -> name.chars().allMatch(Character::isDigit))
                    .forEach(name -> {
                        long pid = Long.parseLong(name);
                        try {
                            parents.add(new long[] {pid, stat(pid).ppid()});
                        } catch (IllegalStateException gone) {
                            // exited meanwhile
                        }
                    });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        for (int i = 0; i < all.size(); i++) {
            long parent = all.get(i);
            for (long[] entry : parents) {
                if (entry[1] == parent) {
                    all.add(entry[0]);
                }
            }
        }
        return all;
    }

    /** The parts of /proc/<pid>/stat this class reads. */
    record Stat(long ppid, long utimeTicks, long stimeTicks, long childUtimeTicks, long childStimeTicks) {
    }

    /**
     * proc(5): {@code pid (comm) state ppid ...}, utime and stime are fields 14 and 15, cutime and cstime 16 and 17. The command
     * name may contain spaces and parentheses, so fields are counted from the last ')'.
     */
    static Stat stat(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            throw new IllegalStateException("process " + pid + " is gone", e);
        }
        return parseStat(stat);
    }

    static Stat parseStat(String stat) {
        // After ") ": field 3 (state) is rest[0], so field n is rest[n - 3].
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return new Stat(Long.parseLong(rest[4 - 3]), Long.parseLong(rest[14 - 3]), Long.parseLong(rest[15 - 3]),
                Long.parseLong(rest[16 - 3]), Long.parseLong(rest[17 - 3]));
    }
}

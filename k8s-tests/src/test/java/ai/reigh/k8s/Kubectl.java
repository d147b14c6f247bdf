package ai.reigh.k8s;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine's kubectl, used only offline ({@code kubectl kustomize}: no cluster is contacted). CI
 * installs it (.ci/run); where it is absent the tests that need it are skipped by an assumption.
 */
final class Kubectl {
    /**
     * The oldest client whose embedded kustomize has everything k8s/ uses (components, {@code labels},
     * patches with targets, strategic merge of CRDs). Debian's kubernetes-client (1.20, kustomize
     * 2.0.3) is older: with it the render fails loudly instead of being skipped.
     */
    static final int MINIMUM_MINOR_VERSION = 27;
    private static final long TIMEOUT_SECONDS = 120;
    private static final Pattern CLIENT_VERSION = Pattern.compile("\"minor\"\\s*:\\s*\"(\\d+)");

    private Kubectl() {
    }

    /** The kubectl on the PATH, if any. */
    static Optional<Path> find() {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (entry.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(entry, "kubectl");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static String absentMessage() {
        return "kubectl is not installed on this machine, so k8s/ cannot be rendered here; .ci/run installs it "
                + "(a fresh CI machine always runs these tests)";
    }

    /** The client's minor version (kubectl version --client -o json). */
    static int clientMinorVersion(Path kubectl) {
        String json = run(kubectl, List.of("version", "--client", "-o", "json"));
        Matcher matcher = CLIENT_VERSION.matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("cannot read kubectl's version from: " + json);
        }
        return Integer.parseInt(matcher.group(1));
    }

    /** {@code kubectl kustomize <dir>}: the rendered YAML stream, or a failure carrying kubectl's message. */
    static String kustomize(Path kubectl, Path dir) {
        return run(kubectl, List.of("kustomize", dir.toString()));
    }

    private static String run(Path kubectl, List<String> arguments) {
        List<String> command = new java.util.ArrayList<>();
        command.add(kubectl.toString());
        command.addAll(arguments);
        try {
            Path stderr = Files.createTempFile("kubectl-", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
                byte[] out = process.getInputStream().readAllBytes();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("timed out after " + TIMEOUT_SECONDS + " s: " + command);
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed (" + process.exitValue() + "):\n"
                            + Files.readString(stderr));
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command, e);
        }
    }
}

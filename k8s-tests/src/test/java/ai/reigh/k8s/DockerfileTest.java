package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * Each module's src/main/docker/Dockerfile.jvm (no Docker engine here, so it is checked, not built):
 * a pinned base image, the target/quarkus-app layout the module's package really produces, an unprivileged user
 * and the port and entry point the Deployment relies on.
 */
class DockerfileTest {
    static final List<String> MODULES = WorkloadPolicyTest.PLATFORM;
    private static final Pattern COPY = Pattern.compile("^COPY\\s+(?:--\\S+\\s+)*(\\S+)\\s+(\\S+)$");

    private static List<String> instructions(String module) throws IOException {
        Path file = RepositoryConfig.module(module).resolve("src/main/docker/Dockerfile.jvm");
        assertThat(file).as(module).exists();
        List<String> instructions = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                instructions.add(trimmed);
            }
        }
        return instructions;
    }

    private static List<String> all(List<String> instructions, String keyword) {
        return instructions.stream().filter(i -> i.startsWith(keyword + " ")).map(i -> i.substring(keyword.length() + 1).trim()).toList();
    }

    @ParameterizedTest
    @FieldSource("MODULES")
    void theBaseImageIsAJavaRuntimePinnedByTag(String module) throws IOException {
        List<String> from = all(instructions(module), "FROM");
        assertThat(from).as(module + ": one stage").hasSize(1);
        String image = from.get(0);
        assertThat(image).as(module).matches("registry\\.access\\.redhat\\.com/ubi9/openjdk-(\\d+)-runtime:\\d+\\.\\d+(@sha256:[0-9a-f]{64})?");
        Matcher java = Pattern.compile("openjdk-(\\d+)-runtime").matcher(image);
        assertThat(java.find()).isTrue();
        // The runtime's Java is the release the modules are compiled for.
        String release = Files.readString(ai.reigh.common.testing.Processes.repositoryRoot().resolve("pom.xml"))
                .replaceAll("(?s).*<maven.compiler.release>(\\d+)</maven.compiler.release>.*", "$1");
        assertThat(java.group(1)).as(module + ": Java of the image").isEqualTo(release);
    }

    /** Every COPY source exists in the packaged module, so the image holds exactly what mvn package built. */
    @ParameterizedTest
    @FieldSource("MODULES")
    void itCopiesTheApplicationLayoutThatPackageProduces(String module) throws IOException {
        Path moduleDir = RepositoryConfig.module(module);
        Path quarkusApp = moduleDir.resolve("target/quarkus-app");
        assertThat(quarkusApp.resolve("quarkus-run.jar")).as(module + " is packaged (mvn package) before this test").exists();
        List<String> copies = all(instructions(module), "COPY");
        assertThat(copies).as(module).hasSize(4);
        List<String> sources = new ArrayList<>();
        for (String copy : copies) {
            Matcher matcher = COPY.matcher("COPY " + copy);
            assertThat(matcher.matches()).as(module + ": COPY " + copy).isTrue();
            String source = matcher.group(1);
            sources.add(source);
            String glob = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
            try (var matches = Files.newDirectoryStream(moduleDir.resolve(glob).getParent(),
                    moduleDir.resolve(glob).getFileName().toString())) {
                assertThat(matches.iterator().hasNext()).as(module + ": " + source + " exists after package").isTrue();
            }
            assertThat(matcher.group(2)).startsWith("/deployments/");
        }
        assertThat(sources).containsExactly("target/quarkus-app/lib/", "target/quarkus-app/*.jar",
                "target/quarkus-app/app/", "target/quarkus-app/quarkus/");
    }

    @ParameterizedTest
    @FieldSource("MODULES")
    void itRunsAsTheUnprivilegedUserOnThePortAndEntryPointTheDeploymentUses(String module) throws IOException {
        List<String> instructions = instructions(module);
        List<String> users = all(instructions, "USER");
        assertThat(users).as(module).hasSize(1);
        long uid = Long.parseLong(users.get(0));
        assertThat(uid).as(module + ": USER is numeric and not root").isPositive();

        for (String overlay : Manifests.OVERLAYS) {
            KubectlRequirement.assumeKubectl();
            Deployment deployment = Manifests.of(overlay).one(Deployment.class, module);
            var pod = deployment.getSpec().getTemplate().getSpec();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(overlay + ": " + module + " runs as the image's user").isEqualTo(uid);
            String containerPorts = WorkloadPolicyTest.app(deployment).getPorts().stream()
                    .map(port -> String.valueOf(port.getContainerPort())).collect(java.util.stream.Collectors.joining(" "));
            assertThat(all(instructions, "EXPOSE")).as(module + ": the service port and the management port")
                    .containsExactly(containerPorts);
            String entryPoint = all(instructions, "ENTRYPOINT").get(0);
            assertThat(entryPoint).contains("/opt/jboss/container/java/run/run-java.sh");
            if (pod.getInitContainers() != null && !pod.getInitContainers().isEmpty()) {
                // The schema gate runs the image's own launcher.
                assertThat(String.join(" ", pod.getInitContainers().get(0).getArgs())).contains("/opt/jboss/container/java/run/run-java.sh");
            }
        }
        assertThat(all(instructions, "ENV")).anySatisfy(e -> assertThat(e).contains("JAVA_APP_JAR=\"/deployments/quarkus-run.jar\""));
        assertThat(all(instructions, "ENV")).anySatisfy(e -> assertThat(e).contains("-XX:+ExitOnOutOfMemoryError"));
        assertThat(all(instructions, "ENV")).as("the native heap trimmed, as ./reigh runs the services")
                .anySatisfy(e -> assertThat(e).contains("-XX:TrimNativeHeapInterval=5000"));
    }
}

package ai.reigh.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The one place a test may be skipped: kubectl absent (never: kubectl too old, or a render failing). */
final class KubectlRequirement {
    private KubectlRequirement() {
    }

    static void assumeKubectl() {
        var kubectl = Kubectl.find();
        assumeTrue(kubectl.isPresent(), Kubectl.absentMessage());
        int minor = Kubectl.clientMinorVersion(kubectl.get());
        assertThat(minor).as("kubectl client 1.%d is too old for k8s/ (kustomize components, labels); need 1.%d or "
                + "later: .ci/run installs one", minor, Kubectl.MINIMUM_MINOR_VERSION)
                .isGreaterThanOrEqualTo(Kubectl.MINIMUM_MINOR_VERSION);
    }
}

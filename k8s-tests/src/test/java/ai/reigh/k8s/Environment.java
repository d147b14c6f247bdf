package ai.reigh.k8s;

import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;

/**
 * The environment a container gets, as the kubelet builds it: its envFrom sources in order (later
 * ones win), then its env entries (which win over envFrom). ConfigMaps are resolved from the same
 * render; Secrets stay references, since none is rendered.
 */
final class Environment {
    private Environment() {
    }

    /** A variable's source: a literal (from env or a ConfigMap) or a key of a Secret. */
    record Value(String literal, String secretName, String secretKey, String source) {
        boolean fromSecret() {
            return secretName != null;
        }
    }

    static Map<String, Value> of(Manifests manifests, Container container) {
        Map<String, Value> environment = new LinkedHashMap<>();
        if (container.getEnvFrom() != null) {
            for (EnvFromSource source : container.getEnvFrom()) {
                if (source.getConfigMapRef() != null) {
                    String name = source.getConfigMapRef().getName();
                    ConfigMap configMap = manifests.find(ConfigMap.class, name).orElseThrow(() -> new AssertionError(
                            manifests.overlay + ": container " + container.getName() + " reads ConfigMap " + name
                                    + ", which is not rendered"));
                    configMap.getData().forEach((key, value) -> environment.put(key,
                            new Value(value, null, null, "ConfigMap " + name)));
                } else if (source.getSecretRef() != null) {
                    throw new AssertionError(container.getName() + ": envFrom a whole Secret hides which keys a "
                            + "container gets; reference keys one by one");
                }
            }
        }
        if (container.getEnv() != null) {
            for (EnvVar variable : container.getEnv()) {
                if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() != null) {
                    var ref = variable.getValueFrom().getSecretKeyRef();
                    environment.put(variable.getName(), new Value(null, ref.getName(), ref.getKey(), "Secret " + ref.getName()));
                } else if (variable.getValueFrom() != null) {
                    environment.put(variable.getName(), new Value(null, null, null, "field reference"));
                } else {
                    environment.put(variable.getName(), new Value(variable.getValue(), null, null, "env"));
                }
            }
        }
        return environment;
    }
}

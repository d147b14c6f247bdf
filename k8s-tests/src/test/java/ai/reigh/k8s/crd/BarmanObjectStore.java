package ai.reigh.k8s.crd;

import com.fasterxml.jackson.annotation.JsonProperty;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * The Barman Cloud plugin's {@code ObjectStore} (barmancloud.cnpg.io/v1): where CloudNativePG archives
 * WAL and stores base backups. The fields k8s/ sets, as in barman-cloud's BarmanObjectStoreConfiguration.
 */
public record BarmanObjectStore(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    public record Spec(String retentionPolicy, Configuration configuration,
            InstanceSidecarConfiguration instanceSidecarConfiguration) {
    }

    /** The plugin's sidecar in every PostgreSQL pod (it runs barman-cloud): its resources. */
    public record InstanceSidecarConfiguration(io.fabric8.kubernetes.api.model.ResourceRequirements resources) {
    }

    public record Configuration(String destinationPath, @JsonProperty("endpointURL") String endpointUrl,
            S3Credentials s3Credentials, Wal wal, Data data) {
    }

    public record S3Credentials(SecretKeySelector accessKeyId, SecretKeySelector secretAccessKey,
            SecretKeySelector region, Boolean inheritFromIAMRole) {
    }

    public record SecretKeySelector(String name, String key) {
    }

    public record Wal(WalCompression compression, Integer maxParallel) {
    }

    public record Data(DataCompression compression, Integer jobs) {
    }

    public enum WalCompression {
        @JsonProperty("bzip2") BZIP2,
        @JsonProperty("gzip") GZIP,
        @JsonProperty("lz4") LZ4,
        @JsonProperty("snappy") SNAPPY,
        @JsonProperty("xz") XZ,
        @JsonProperty("zstd") ZSTD
    }

    public enum DataCompression {
        @JsonProperty("bzip2") BZIP2,
        @JsonProperty("gzip") GZIP,
        @JsonProperty("snappy") SNAPPY
    }
}

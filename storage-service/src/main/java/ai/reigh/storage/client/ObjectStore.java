package ai.reigh.storage.client;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import ai.reigh.common.error.ProblemException;
import ai.reigh.storage.config.S3Config;
import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.DeleteBucketPolicyArgs;
import io.minio.GetObjectArgs;
import io.minio.GetBucketPolicyArgs;
import io.minio.GetObjectResponse;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.Http;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.SetBucketPolicyArgs;
import io.minio.Signer;
import io.minio.SourceObject;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.smallrye.mutiny.Uni;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;

/**
 * The object store (S3 API: S3Proxy embedded and in tests, MinIO in Kubernetes) through the MinIO
 * client. The client blocks, so every call runs on this class's own bounded pool, never on an event
 * loop, and every call has a deadline: a store that is down or silent becomes a 503, never a hang.
 *
 * <p>Two signers: {@code client} talks to the store at {@code reigh.s3.endpoint}; presigned URLs for
 * clients are signed for {@code reigh.s3.public-endpoint} (SigV4 signs the host), which may differ.
 */
@ApplicationScoped
public class ObjectStore {
    private static final Logger LOG = Logger.getLogger(ObjectStore.class);
    /** S3's smallest multipart part: an upload of unknown length holds one part in memory at a time. */
    public static final long UNSIZED_PART_BYTES = 5L * 1024 * 1024;
    private static final int COPY_BUFFER_BYTES = 64 * 1024;
    /** S3 refuses presigned URLs valid for more than 7 days. */
    private static final long MAX_PRESIGN_SECONDS = Duration.ofDays(7).toSeconds();
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final S3Config config;
    private final HttpUrl publicEndpoint;
    private final OkHttpClient http;
    private final MinioClient client;
    private final MinioClient publicSigner;
    private final ThreadPoolExecutor pool;

    public ObjectStore(S3Config config) {
        this.config = config;
        this.http = new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.socketTimeout())
                .writeTimeout(config.socketTimeout())
                .connectionPool(new ConnectionPool(config.maxConcurrentOperations(), 5, TimeUnit.MINUTES))
                .retryOnConnectionFailure(true)
                .build();
        this.client = MinioClient.builder().endpoint(config.endpoint())
                .credentials(config.accessKey(), config.secretKey()).region(config.region()).httpClient(http).build();
        this.publicSigner = config.publicEndpoint().filter(url -> !url.isBlank())
                .map(url -> MinioClient.builder().endpoint(url).credentials(config.accessKey(), config.secretKey())
                        .region(config.region()).httpClient(http).build())
                .orElse(client);
        this.publicEndpoint = HttpUrl.get(config.publicEndpoint().filter(url -> !url.isBlank()).orElse(config.endpoint()));
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(config.maxConcurrentOperations(), config.maxConcurrentOperations(), 60,
                TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.maxQueuedOperations()), work -> {
                    Thread thread = new Thread(work, "object-store-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    @PreDestroy
    void close() {
        pool.shutdownNow();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    // ---- Signing (no network: the region is configured) -------------------------------------------------

    /**
     * A PUT URL for a client (the bytes go straight to the store) that signs, besides the method and the
     * key, the {@code Content-Length} and {@code Content-Type} headers: the store refuses a body of any other
     * length or type (and a chunked one) before storing a byte. The MinIO client's own presigning leaves
     * both out, so the request is signed here with its SigV4 signer.
     */
    public Uni<String> presignUpload(String bucket, String key, String contentType, long sizeBytes, Duration expiry) {
        return run("presign", config.operationTimeout(), () -> signedPut(bucket, key, contentType, sizeBytes, expiry));
    }

    /**
     * A PUT URL that signs the {@code Content-Type} but not the length, for a client that cannot say its
     * size in advance (the deployed GPU fleet's uploads): it may only go to a staging key, whose bytes
     * are checked against the bucket's limit when confirmed and swept when never confirmed.
     */
    public Uni<String> presignUnsizedUpload(String bucket, String key, String contentType, Duration expiry) {
        return run("presign", config.operationTimeout(), () -> signedPut(bucket, key, contentType, null, expiry));
    }

    private String signedPut(String bucket, String key, String contentType, Long sizeBytes, Duration expiry)
            throws Exception {
        HttpUrl url = publicEndpoint.newBuilder().addPathSegment(bucket).addPathSegments(key).build();
        boolean defaultPort = url.port() == HttpUrl.defaultPort(url.scheme());
        Request.Builder unsigned = new Request.Builder().url(url).put(RequestBody.create(new byte[0], null))
                .header("Host", defaultPort ? url.host() : url.host() + ":" + url.port())
                .header("X-Amz-Date", ZonedDateTime.now(ZoneOffset.UTC).format(AMZ_DATE))
                .header("Content-Type", contentType);
        if (sizeBytes != null) {
            unsigned.header("Content-Length", Long.toString(sizeBytes));
        }
        return Signer.presignV4(unsigned.build(), config.region(), config.accessKey(), config.secretKey(),
                (int) presignSeconds(expiry)).toString();
    }

    /**
     * A short-lived GET URL for a client (private buckets) whose answer carries the given
     * {@code Content-Type} and {@code Content-Disposition} whatever the store holds (S3's
     * {@code response-content-*} parameters, part of the signature).
     */
    public Uni<String> presignDownload(Download download, Duration expiry) {
        return presignDownloads(List.of(download), expiry).map(urls -> urls.get(0));
    }

    /** Many download URLs in one pooled task (a page of private objects). */
    public Uni<List<String>> presignDownloads(List<Download> downloads, Duration expiry) {
        return run("presign", config.operationTimeout(), () -> {
            List<String> urls = new ArrayList<>(downloads.size());
            for (Download download : downloads) {
                urls.add(publicSigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Http.Method.GET)
                        .bucket(download.bucket()).object(download.key()).expiry((int) presignSeconds(expiry))
                        .extraQueryParams(Map.of("response-content-type", download.contentType(),
                                "response-content-disposition", download.contentDisposition()))
                        .build()));
            }
            return urls;
        });
    }

    /** An object to download, and the headers its answer must carry. */
    public record Download(String bucket, String key, String contentType, String contentDisposition) {
    }

    private static long presignSeconds(Duration expiry) {
        return Math.max(1, Math.min(expiry.toSeconds(), MAX_PRESIGN_SECONDS));
    }

    private static String presign(MinioClient signer, Http.Method method, String bucket, String key, Duration expiry)
            throws Exception {
        return signer.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(method).bucket(bucket)
                .object(key).expiry((int) presignSeconds(expiry)).build());
    }

    // ---- Objects ------------------------------------------------------------------------------------------

    /** The stored object's size and type, or empty when nothing is stored under the key. */
    public Uni<Optional<StoredObject>> head(String bucket, String key) {
        return run("head", config.operationTimeout(), () -> {
            try {
                StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
                return Optional.of(new StoredObject(stat.size(), stat.contentType(), stat.etag(),
                        stat.lastModified() == null ? null : stat.lastModified().toInstant()));
            } catch (ErrorResponseException e) {
                if (isMissingObject(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /** Removes the object; removing one that is not there succeeds (S3 semantics), so retries are safe. */
    public Uni<Void> remove(String bucket, String key) {
        return run("remove", config.operationTimeout(), () -> {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return null;
        });
    }

    /**
     * Copies an object inside its bucket on the store's side (S3 CopyObject: the bytes never pass through
     * here; type and size come along). False when there is nothing under {@code fromKey}.
     */
    public Uni<Boolean> copy(String bucket, String fromKey, String toKey) {
        return run("copy", config.transferTimeout(), () -> {
            try {
                client.copyObject(CopyObjectArgs.builder().bucket(bucket).object(toKey)
                        .source(SourceObject.builder().bucket(bucket).object(fromKey).build()).build());
                return true;
            } catch (ErrorResponseException e) {
                if (isMissingObject(e)) {
                    return false;
                }
                throw e;
            }
        });
    }

    /**
     * Up to {@code max} keys under {@code prefix}, in key order, after {@code startAfter} (null: from the
     * start). The store pages the listing; this reads only as many pages as {@code max} needs.
     */
    public Uni<List<String>> list(String bucket, String prefix, String startAfter, int max) {
        return run("list", config.operationTimeout(), () -> {
            ListObjectsArgs.Builder args = ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true)
                    .maxKeys(Math.min(max, 1000));
            if (startAfter != null) {
                args.startAfter(startAfter);
            }
            List<String> keys = new ArrayList<>();
            for (Result<Item> item : client.listObjects(args.build())) {
                if (keys.size() == max) {
                    break;
                }
                keys.add(item.get().objectName());
            }
            return keys;
        });
    }

    /**
     * Opens the object for streaming ({@code length} null: to the end). Empty when it is not there. The
     * caller must close the stream.
     */
    public Uni<Optional<GetObjectResponse>> open(String bucket, String key, Long offset, Long length) {
        return run("get", config.operationTimeout(), () -> {
            try {
                GetObjectArgs.Builder args = GetObjectArgs.builder().bucket(bucket).object(key);
                if (offset != null) {
                    args.offset(offset);
                }
                if (length != null) {
                    args.length(length);
                }
                return Optional.of(client.getObject(args.build()));
            } catch (ErrorResponseException e) {
                if (isMissingObject(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /**
     * The first {@code bytes} bytes of an object (fewer if it is shorter), read and closed on the store's
     * pool; empty when the object is not there. For recognising a file by its signature.
     */
    public Uni<Optional<byte[]>> readHead(String bucket, String key, int bytes) {
        return run("get", config.operationTimeout(), () -> {
            try (GetObjectResponse object = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key)
                    .offset(0L).length((long) bytes).build())) {
                return Optional.of(object.readNBytes(bytes));
            } catch (ErrorResponseException e) {
                if (isMissingObject(e)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    /**
     * Streams exactly {@code length} bytes of {@code body} to the store with constant memory: a PUT to a
     * URL we presign for ourselves, its body copied from the client's stream as it arrives. A body that
     * ends early fails with {@link StoreFailure} ({@code CLIENT_BODY_BROKEN}).
     */
    public Uni<Void> putSized(String bucket, String key, String contentType, long length, InputStream body) {
        return run("put", config.transferTimeout(), () -> {
            String url = presign(client, Http.Method.PUT, bucket, key, config.transferTimeout());
            RequestBody streamed = new StreamedBody(MediaType.parse(contentType), length, body);
            okhttp3.Call call = http.newCall(new Request.Builder().url(url).put(streamed).build());
            call.timeout().timeout(config.transferTimeout().toMillis(), TimeUnit.MILLISECONDS);
            try (Response answer = call.execute()) {
                if (!answer.isSuccessful()) {
                    throw new IOException("the store answered " + answer.code() + " to a PUT");
                }
            }
            return null;
        });
    }

    /**
     * Streams a body of unknown length (at most {@code maxBytes}, enforced while reading) through the
     * store's multipart upload, one part in memory at a time. Answers the number of bytes stored.
     */
    public Uni<Long> putUnsized(String bucket, String key, String contentType, InputStream body, long maxBytes) {
        return run("put", config.transferTimeout(), () -> {
            BoundedInputStream bounded = new BoundedInputStream(body, maxBytes);
            client.putObject(PutObjectArgs.builder().bucket(bucket).object(key).contentType(contentType)
                    .stream(bounded, null, UNSIZED_PART_BYTES).build());
            return bounded.count();
        });
    }

    // ---- Buckets ------------------------------------------------------------------------------------------

    /** Whether the store answers and the bucket is there (readiness). */
    public Uni<Boolean> bucketExists(String bucket, Duration timeout) {
        return run("bucket-exists", timeout,
                () -> client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));
    }

    /** Creates the bucket unless it exists (another replica creating it at the same time is fine). */
    public Uni<Boolean> createBucketIfMissing(String bucket) {
        return run("make-bucket", config.operationTimeout(), () -> {
            if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                return false;
            }
            try {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                return true;
            } catch (ErrorResponseException e) {
                String code = e.errorResponse() == null ? null : e.errorResponse().code();
                if ("BucketAlreadyOwnedByYou".equals(code) || "BucketAlreadyExists".equals(code)) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** What became of a bucket's read policy. */
    public enum PolicyOutcome {
        APPLIED,
        /** The store has no bucket policies (S3Proxy). */
        NOT_SUPPORTED,
        /** Our credentials may not manage policies: the deployment does it (k8s: the MinIO setup job). */
        NOT_PERMITTED
    }

    /**
     * Makes the bucket's objects anonymously readable (public buckets) or removes any policy (private
     * ones). A store without bucket policies (S3Proxy) serves nothing anonymously, and the public route
     * serves public objects either way.
     */
    public Uni<PolicyOutcome> applyReadPolicy(String bucket, boolean publicRead) {
        return run("bucket-policy", config.operationTimeout(), () -> {
            try {
                if (publicRead) {
                    client.setBucketPolicy(SetBucketPolicyArgs.builder().bucket(bucket).config(publicReadPolicy(bucket))
                            .build());
                } else {
                    String current = client.getBucketPolicy(GetBucketPolicyArgs.builder().bucket(bucket).build());
                    if (current != null && !current.isBlank()) {
                        client.deleteBucketPolicy(DeleteBucketPolicyArgs.builder().bucket(bucket).build());
                    }
                }
                return PolicyOutcome.APPLIED;
            } catch (ErrorResponseException e) {
                String code = e.errorResponse() == null ? null : e.errorResponse().code();
                int status = e.response() == null ? 0 : e.response().code();
                if ("NotImplemented".equals(code) || status == 501) {
                    return PolicyOutcome.NOT_SUPPORTED;
                }
                if ("AccessDenied".equals(code) || status == 403) {
                    return PolicyOutcome.NOT_PERMITTED;
                }
                // No policy to remove (MinIO: NoSuchBucketPolicy, S3Proxy: NoSuchPolicy).
                if (!publicRead && status == 404 && !"NoSuchBucket".equals(code)) {
                    return PolicyOutcome.APPLIED;
                }
                throw e;
            }
        });
    }

    /**
     * Anonymous reads of the keys a public object can have, which all start with the owner's UUID: not of
     * {@code staging/…}, where presigned uploads wait for their confirmation.
     */
    private static String publicReadPolicy(String bucket) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"*\"]},"
                + "\"Action\":[\"s3:GetObject\"],\"Resource\":[\"arn:aws:s3:::" + bucket
                + "/????????-????-????-????-????????????/*\"]}]}";
    }

    // ---- Execution ----------------------------------------------------------------------------------------

    private static boolean isMissingObject(ErrorResponseException e) {
        String code = e.errorResponse() == null ? null : e.errorResponse().code();
        if ("NoSuchKey".equals(code) || "NoSuchObject".equals(code)) {
            return true;
        }
        return e.response() != null && e.response().code() == 404 && !"NoSuchBucket".equals(code);
    }

    /**
     * Runs blocking store work on the pool with a deadline. Failures that are the client's
     * ({@link StoreFailure}) pass through; everything else means the store is unavailable (503).
     */
    private <T> Uni<T> run(String operation, Duration timeout, Callable<T> work) {
        return Uni.createFrom().<T>emitter(emitter -> {
            AtomicBoolean finished = new AtomicBoolean();
            Future<?> task;
            try {
                task = pool.submit(() -> {
                    T result;
                    try {
                        result = work.call();
                    } catch (Throwable failure) {
                        finished.set(true);
                        emitter.fail(failure);
                        return;
                    }
                    finished.set(true);
                    emitter.complete(result);
                });
            } catch (RejectedExecutionException busy) {
                emitter.fail(ProblemException.unavailable("The object store is busy; retry shortly."));
                return;
            }
            // Abandoned (deadline passed, caller gone): interrupt the blocked call rather than let it run on.
            emitter.onTermination(() -> {
                if (!finished.get()) {
                    task.cancel(true);
                }
            });
        }).ifNoItem().after(timeout).failWith(() -> new StoreTimeout(operation, timeout))
                .onFailure().transform(failure -> translate(operation, failure));
    }

    private static Throwable translate(String operation, Throwable failure) {
        if (failure instanceof ProblemException) {
            return failure;
        }
        StoreFailure clientSide = StoreFailure.in(failure);
        if (clientSide != null) {
            return clientSide;
        }
        LOG.warnf("object store %s failed: %s", operation, describe(failure));
        return ProblemException.unavailable("The object store is unavailable; retry shortly.");
    }

    private static String describe(Throwable failure) {
        if (failure instanceof ErrorResponseException e && e.errorResponse() != null) {
            return "S3 error " + e.errorResponse().code() + " (" + (e.response() == null ? "?" : e.response().code()) + ")";
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return failure == root ? failure.toString() : failure + " caused by " + root;
    }

    /** The deadline of a store call passed. */
    static final class StoreTimeout extends RuntimeException {
        StoreTimeout(String operation, Duration timeout) {
            super("object store " + operation + " did not finish within " + timeout.toMillis() + " ms", null, false,
                    false);
        }
    }

    /** A request body copied from the client's stream as it is sent, never held whole. */
    private static final class StreamedBody extends RequestBody {
        private final MediaType type;
        private final long length;
        private final InputStream source;

        StreamedBody(MediaType type, long length, InputStream source) {
            this.type = type;
            this.length = length;
            this.source = source;
        }

        @Override
        public MediaType contentType() {
            return type;
        }

        @Override
        public long contentLength() {
            return length;
        }

        @Override
        public boolean isOneShot() {
            return true;
        }

        @Override
        public void writeTo(BufferedSink sink) throws IOException {
            byte[] buffer = new byte[COPY_BUFFER_BYTES];
            long remaining = length;
            while (remaining > 0) {
                int read;
                try {
                    read = source.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                } catch (StoreFailure failure) {
                    throw failure;
                } catch (IOException broken) {
                    throw new StoreFailure(StoreFailure.Reason.CLIENT_BODY_BROKEN, "the request body could not be read");
                }
                if (read < 0) {
                    throw new StoreFailure(StoreFailure.Reason.CLIENT_BODY_BROKEN,
                            "the request body ended " + remaining + " bytes early");
                }
                sink.write(buffer, 0, read);
                remaining -= read;
            }
        }
    }
}

package ai.reigh.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

class FetchableUrlsTest {

    @Test
    void privateLoopbackLinkLocalAndReservedAddressesAreRefusedInEveryNotation() {
        for (String url : List.of("http://127.0.0.1/x", "http://127.1/", "http://2130706433/", "http://0x7f000001/",
                "http://0177.0.0.1/", "http://0/", "http://0.0.0.0:8080/", "http://10.0.0.7/a", "http://172.16.3.4/",
                "http://172.31.255.255/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
                "http://100.64.0.1/", "http://224.0.0.1/", "http://255.255.255.255/", "http://[::1]/", "http://[::]/",
                "http://[fe80::1]/", "http://[fc00::1]/", "http://[fd12:3456::1]/", "http://[::ffff:127.0.0.1]/",
                "http://[::ffff:a9fe:a9fe]/", "http://[64:ff9b::a9fe:a9fe]/", "https://localhost:8443/",
                "http://LOCALHOST./", "http://api.localhost/", "http://metadata.google.internal/computeMetadata/v1/",
                "http://metadata/", "http://projects-service:8081/internal/v1/generations",
                "http://minio.reigh.svc.cluster.local:9000/bucket", "http://printer.local/", "http://cdn.example.com@10.0.0.1/",
                "//169.254.169.254/x", "  http://127.0.0.1/  ", "file:///etc/passwd", "file:/etc/passwd",
                "gopher://example.com/_x", "ftp://example.com/x", "jar:file:/x!/y", "s3://reigh-training-data/x",
                "http://cdn.example.com\\@127.0.0.1/", "http://a b.com/", "http:///x")) {
            assertThat(FetchableUrls.problemOf(url)).as(url).isNotNull();
        }
    }

    @Test
    void publicUrlsAndTextThatIsNotAUrlPass() {
        for (String value : List.of("https://cdn.example.com/a.png", "http://8.8.8.8/x", "https://1.1.1.1:8443/",
                "https://[2606:4700::1111]/", "https://huggingface.co/org/model/resolve/main/lora.safetensors",
                "https://cafe.de/", "a cat on a mat", "style: cinematic", "data:image/png;base64,iVBORw0KGgo=",
                "see http://10.0.0.1 in the docs", "", "12:30", "mailto:someone@example.com")) {
            assertThat(FetchableUrls.problemOf(value)).as(value).isNull();
        }
    }

    @Test
    void documentsAreSearchedEverywhereWithPaths() throws Exception {
        var params = new ObjectMapper().readTree("""
                {"prompt": "x", "image_url": "http://169.254.169.254/", "loras": [{"path": "https://ok.example/a"},
                 {"path": "file:///etc/shadow"}], "nested": {"deeper": ["http://[::1]/"]}}
                """);
        assertThat(FetchableUrls.refusedIn("params", params)).extracting(e -> e.field())
                .containsExactlyInAnyOrder("params.image_url", "params.loras[1].path", "params.nested.deeper[0]");
    }
}

package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import ai.reigh.storage.service.AttachmentDisposition;

class AttachmentDispositionTest {

    @Test
    void aPlainNameIsQuotedAndRepeatedInUtf8() {
        assertThat(AttachmentDisposition.of("clip.mp4", "k.mp4"))
                .isEqualTo("attachment; filename=\"clip.mp4\"; filename*=UTF-8''clip.mp4");
    }

    @Test
    void quotesBackslashesAndNonAsciiNeverReachTheQuotedName() {
        String header = AttachmentDisposition.of("a\"b\\c ünï 猫.mp4", "k.mp4");
        assertThat(header).isEqualTo("attachment; filename=\"a_b_c _n_ _.mp4\"; filename*=UTF-8''"
                + "a%22b%5Cc%20%C3%BCn%C3%AF%20%E7%8C%AB.mp4");
        assertThat(header.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as("one header line of ASCII").isTrue();
    }

    @Test
    void headerInjectionIsJustPartOfTheName() {
        assertThat(AttachmentDisposition.of("x.mp4\r\nSet-Cookie: a=b", "k.mp4"))
                .isEqualTo("attachment; filename=\"x.mp4__Set-Cookie: a=b\"; filename*=UTF-8''x.mp4%0D%0ASet-Cookie%3A%20a%3Db");
    }

    @Test
    void withoutAStoredNameTheKeysLastSegmentNamesIt() {
        assertThat(AttachmentDisposition.of(null, "0b1c.mp4")).isEqualTo("attachment; filename=\"0b1c.mp4\"");
        assertThat(AttachmentDisposition.of("  ", "0b1c.mp4")).isEqualTo("attachment; filename=\"0b1c.mp4\"");
    }
}

package ai.reigh.projects.service;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import ai.reigh.common.error.ProblemException;

/** Training video names are kept as metadata a worker may save files under: plain names only. */
class InputsFileNameTest {

    @Test
    void pathsHiddenAndControlCharactersAreRefused() {
        for (String name : List.of("../../etc/passwd", "a/b.mp4", "..\\\\x.mp4", ".", "..", ".hidden.mp4", "evil\u202egnp4.exe",
                "a\u0007.mp4", "x\r\n.mp4", " ")) {
            assertThatThrownBy(() -> Inputs.requireFileName("filename", name)).as(name)
                    .isInstanceOf(ProblemException.class);
        }
    }

    @Test
    void plainNamesPass() {
        for (String name : List.of("clip.mp4", "my clip (final) v2.mp4", "éte\u0301 ☃.webm", "a..b.mp4", "' OR 1=1 --.mp4")) {
            assertThatCode(() -> Inputs.requireFileName("filename", name)).as(name).doesNotThrowAnyException();
        }
    }
}

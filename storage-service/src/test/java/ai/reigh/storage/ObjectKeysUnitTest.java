package ai.reigh.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import ai.reigh.storage.service.ObjectKeys;

class ObjectKeysUnitTest {

    @Test
    void fileNamesLoseTheirPathsControlCharactersAndLeadingDots() {
        assertThat(ObjectKeys.sanitizeFilename("../../etc/passwd")).isEqualTo("passwd");
        assertThat(ObjectKeys.sanitizeFilename("C:\\Users\\me\\clip.mp4")).isEqualTo("clip.mp4");
        assertThat(ObjectKeys.sanitizeFilename("a\u0000b\nc\u202Egnp.exe")).isEqualTo("abcgnp.exe");
        assertThat(ObjectKeys.sanitizeFilename("..")).isNull();
        assertThat(ObjectKeys.sanitizeFilename("dir/")).isNull();
        assertThat(ObjectKeys.sanitizeFilename("   ")).isNull();
        assertThat(ObjectKeys.sanitizeFilename(".env")).isEqualTo("env");
        assertThat(ObjectKeys.sanitizeFilename(null)).isNull();
        assertThat(ObjectKeys.sanitizeFilename("ünïcødé 猫.png")).isEqualTo("ünïcødé 猫.png");
    }

    @Test
    void longFileNamesAreCutWithoutSplittingACharacter() {
        String name = "a".repeat(254) + "😀" + "b".repeat(10);
        String kept = ObjectKeys.sanitizeFilename(name);
        assertThat(kept.length()).isLessThanOrEqualTo(ObjectKeys.MAX_FILENAME_LENGTH);
        assertThat(kept).isEqualTo("a".repeat(254));
    }

    @Test
    void onlyKeysOfTheServersShapeAreWellFormed() {
        UUID owner = UUID.randomUUID();
        UUID task = UUID.randomUUID();
        UUID id = UUID.randomUUID();
        assertThat(ObjectKeys.isWellFormed(ObjectKeys.userUpload(owner, "media", id, "image/png"))).isTrue();
        assertThat(ObjectKeys.isWellFormed(ObjectKeys.taskOutput(owner, task, id, "video/mp4"))).isTrue();
        assertThat(ObjectKeys.taskOutput(owner, task, id, "video/mp4")).isEqualTo(owner + "/tasks/" + task + "/" + id + ".mp4");
        assertThat(ObjectKeys.isWellFormed(owner + "/media/../" + id + ".png")).isFalse();
        assertThat(ObjectKeys.isWellFormed(owner + "/media/passwd")).isFalse();
        assertThat(ObjectKeys.isWellFormed("../" + owner + "/media/" + id + ".png")).isFalse();
    }

    @Test
    void stagingKeysNeverLookLikeFinalKeysAndNameTheirUpload() {
        UUID owner = UUID.randomUUID();
        UUID object = UUID.randomUUID();
        String staging = ObjectKeys.staging(owner, object);
        assertThat(staging).isEqualTo("staging/" + owner + "/" + object);
        assertThat(ObjectKeys.isWellFormed(staging)).as("the public route never serves a staging key").isFalse();
        assertThat(ObjectKeys.stagedUpload(staging)).contains(new ObjectKeys.StagedUpload(owner, object));
        assertThat(ObjectKeys.stagedUpload("staging/" + owner + "/" + object + "/x")).isEmpty();
        assertThat(ObjectKeys.stagedUpload("staging/whatever")).isEmpty();
        assertThat(ObjectKeys.stagedUpload(ObjectKeys.userUpload(owner, "media", object, "image/png"))).isEmpty();
    }
}

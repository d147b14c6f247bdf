package ai.reigh.devtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import ai.reigh.devtools.worker.OutputGenerator;

class OutputGeneratorTest {

    @Test
    void imageTasksProduceARealPngOfAboutTheRequestedSize() throws Exception {
        OutputGenerator.Output output = OutputGenerator.forTask("single_image", 50_000, 1);
        assertThat(output.contentType()).isEqualTo("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(output.bytes()));
        assertThat(image).isNotNull();
        assertThat(output.bytes().length).isBetween(40_000, 60_000);
    }

    @Test
    void videoTasksProduceAnIsoMediaFileOfExactlyTheRequestedSize() {
        OutputGenerator.Output output = OutputGenerator.forTask("wan_2_2_i2v", 10_000, 1);
        assertThat(output.contentType()).isEqualTo("video/mp4");
        assertThat(output.bytes()).hasSize(10_000);
        ByteBuffer file = ByteBuffer.wrap(output.bytes());
        assertThat(new String(output.bytes(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        int ftypSize = file.getInt(0);
        assertThat(new String(output.bytes(), ftypSize + 4, 4, StandardCharsets.US_ASCII)).isEqualTo("mdat");
        assertThat(ftypSize + file.getInt(ftypSize)).isEqualTo(10_000);
    }

    @Test
    void theTaskTypeDecidesImageOrVideo() {
        assertThat(OutputGenerator.isVideoTask("travel_segment")).isTrue();
        assertThat(OutputGenerator.isVideoTask("join_final_stitch")).isTrue();
        assertThat(OutputGenerator.isVideoTask("image_upscale")).isFalse();
        assertThat(OutputGenerator.isVideoTask("qwen_image")).isFalse();
    }
}

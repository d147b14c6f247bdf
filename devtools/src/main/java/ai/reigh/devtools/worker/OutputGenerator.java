package ai.reigh.devtools.worker;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

import javax.imageio.ImageIO;

/**
 * "Generates" a task's output without a GPU: a real PNG (noise, so it does not compress below the
 * requested size) for image tasks, an MP4-like file (an ISO BMFF {@code ftyp} box and an {@code mdat}
 * box of noise) for video tasks.
 */
public final class OutputGenerator {

    /** What the worker produces for a task type; the platform's task types ending in video produce mp4. */
    public record Output(byte[] bytes, String contentType, String filename) {
    }

    private OutputGenerator() {
    }

    public static boolean isVideoTask(String taskType) {
        String type = taskType.toLowerCase(Locale.ROOT);
        return type.contains("video") || type.contains("i2v") || type.contains("travel") || type.contains("stitch")
                || type.contains("segment") || type.contains("animate");
    }

    public static Output forTask(String taskType, int targetBytes, long seed) {
        return isVideoTask(taskType) ? new Output(mp4(targetBytes, seed), "video/mp4", "output.mp4")
                : new Output(png(targetBytes, seed), "image/png", "output.png");
    }

    static byte[] png(int targetBytes, long seed) {
        // Noise does not compress: about 3 bytes per pixel.
        int side = Math.max(4, (int) Math.sqrt(targetBytes / 3.0));
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(targetBytes + 1024)) {
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding failed", e);
        }
    }

    static byte[] mp4(int targetBytes, long seed) {
        int size = Math.max(64, targetBytes);
        ByteBuffer file = ByteBuffer.allocate(size);
        byte[] brand = "isom".getBytes(StandardCharsets.US_ASCII);
        file.putInt(24).put("ftyp".getBytes(StandardCharsets.US_ASCII)).put(brand).putInt(512).put(brand)
                .put("mp41".getBytes(StandardCharsets.US_ASCII));
        file.putInt(size - 24).put("mdat".getBytes(StandardCharsets.US_ASCII));
        byte[] noise = new byte[size - file.position()];
        new Random(seed).nextBytes(noise);
        file.put(noise);
        return file.array();
    }
}

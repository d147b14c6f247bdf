package ai.reigh.common.internal;

/** How many positioned image links got a prompt, and how many had none to get (an empty one, or past the list). */
public record ShotPairPromptsResult(int updated, int skipped) {
}

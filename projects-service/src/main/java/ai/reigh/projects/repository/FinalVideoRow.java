package ai.reigh.projects.repository;

import java.util.UUID;

/** A final video (a shot's parent, or a travel output linked to it) and the shot it is the final video of. */
public record FinalVideoRow(UUID shotId, GenerationRow generation) {
}

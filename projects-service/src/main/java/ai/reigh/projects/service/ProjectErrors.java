package ai.reigh.projects.service;

/**
 * Stable problem codes of projects-service beyond the shared ones in
 * {@link ai.reigh.common.error.ErrorCode}. Clients switch on these; a published code is never renamed.
 */
public final class ProjectErrors {
    /** 409: another link of the shot already holds that position. */
    public static final String POSITION_TAKEN = "position_taken";
    /** 422: the caller's generation belongs to another project than the shot. */
    public static final String GENERATION_NOT_IN_PROJECT = "generation_not_in_project";
    /** 409: the storage object exists but its upload is not confirmed. */
    public static final String OBJECT_NOT_READY = "object_not_ready";
    /** 422: the storage object is in a bucket that cannot back this kind of row. */
    public static final String WRONG_BUCKET = "wrong_bucket";
    /** 422: the storage object's content type does not fit (an image as a video, ...). */
    public static final String CONTENT_TYPE_MISMATCH = "content_type_mismatch";
    /** 409: the task already has a generation in another project. */
    public static final String TASK_GENERATION_CONFLICT = "task_generation_conflict";

    /** 409: the generation has variants, so its media cannot be cleared (remove the variants instead). */
    public static final String GENERATION_HAS_VARIANTS = "generation_has_variants";
    /** 409: the primary variant cannot be deleted (make another one primary first). */
    public static final String VARIANT_IS_PRIMARY = "variant_is_primary";
    /** 409: an original variant (the generation's own first output) is never deleted on its own. */
    public static final String VARIANT_IS_ORIGINAL = "variant_is_original";
    /** 422: a timeline operation would put a link past the last allowed frame (1,000,000). */
    public static final String POSITION_OUT_OF_RANGE = "position_out_of_range";

    /** 409: another user has this username (whatever the case). */
    public static final String USERNAME_TAKEN = "username_taken";

    private ProjectErrors() {
    }
}

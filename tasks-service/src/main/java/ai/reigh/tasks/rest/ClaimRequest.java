package ai.reigh.tasks.rest;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** {@code POST /v1/workers/claim}. */
public record ClaimRequest(
        @NotBlank @Size(max = 128) String workerId,
        @Pattern(regexp = "gpu|api", message = "must be gpu or api") String runType,
        Boolean sameModelOnly,
        @DecimalMin("0") @DecimalMax("10080") BigDecimal maxTaskWaitMinutes,
        @Min(1) @Max(50) Integer limit,
        @Min(0) @Max(30) Integer waitSeconds) {
}

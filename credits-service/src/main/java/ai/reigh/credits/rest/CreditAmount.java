package ai.reigh.credits.rest;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * An amount of credits as the ledger accepts it: non-zero, |amount| ≤ 10,000,000, at most 3 decimals
 * ({@code numeric(12,3)}); with {@code positiveOnly}, greater than zero. Null is left to {@code @NotNull}.
 * (JSON gives no NaN or infinity, and the shared ObjectMapper refuses numbers in strings.)
 */
@Documented
@Constraint(validatedBy = CreditAmountValidator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT })
@Retention(RetentionPolicy.RUNTIME)
public @interface CreditAmount {
    String message() default "must be a non-zero amount of at most 10000000 credits with at most 3 decimals";

    boolean positiveOnly() default false;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}

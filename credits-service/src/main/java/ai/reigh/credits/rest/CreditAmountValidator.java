package ai.reigh.credits.rest;

import java.math.BigDecimal;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

public class CreditAmountValidator implements ConstraintValidator<CreditAmount, BigDecimal> {
    static final BigDecimal MAX_CREDITS = new BigDecimal("10000000");
    static final int MAX_DECIMALS = 3;

    private boolean positiveOnly;

    @Override
    public void initialize(CreditAmount annotation) {
        positiveOnly = annotation.positiveOnly();
    }

    @Override
    public boolean isValid(BigDecimal amount, ConstraintValidatorContext context) {
        if (amount == null) {
            return true;
        }
        if (amount.signum() == 0 || positiveOnly && amount.signum() < 0) {
            return false;
        }
        // 1.500 has three decimals written but is 1.5: trailing zeros do not count.
        return amount.abs().compareTo(MAX_CREDITS) <= 0 && amount.stripTrailingZeros().scale() <= MAX_DECIMALS;
    }
}

package ai.reigh.credits.service;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A priced task: {@code cost} in credits (3 places, never negative) and the breakdown of what it was
 * made of (config version, rate, seconds, each factor and the parameter that chose it).
 */
public record Price(BigDecimal cost, ObjectNode breakdown) {

    public boolean isFree() {
        return cost.signum() == 0;
    }
}

package ai.reigh.credits.rest;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.JsonNode;

/** The price a task would have now, and what it is made of. */
public record EstimateView(BigDecimal cost, JsonNode breakdown) {
}

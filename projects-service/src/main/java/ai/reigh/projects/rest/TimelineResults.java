package ai.reigh.projects.rest;

import ai.reigh.projects.rest.TimelineRequests.TimelineNormalize;
import ai.reigh.projects.rest.TimelineViews.TimelineView;
import ai.reigh.projects.service.Normalization;
import ai.reigh.projects.service.TimelineService.Outcome;

/** From timeline requests to the service's terms, and from its outcomes to the answer. */
final class TimelineResults {
    private TimelineResults() {
    }

    static TimelineView view(Outcome outcome) {
        return TimelineView.of(outcome.links(), outcome.added());
    }

    /** Null (no re-spacing) when the request has no {@code normalize}. */
    static Normalization normalization(TimelineNormalize body) {
        return body == null ? null : Normalization.of(body.spacing(), body.maxGap());
    }
}

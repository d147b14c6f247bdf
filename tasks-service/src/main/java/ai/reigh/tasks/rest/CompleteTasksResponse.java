package ai.reigh.tasks.rest;

import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import ai.reigh.common.error.Problem;
import ai.reigh.tasks.service.Completions;

/**
 * {@code 200 {results:[…]}}: one result per completion, in the order sent. {@code status} is what the
 * single completion would have answered: 200 with {@code task} (completed now, or replayed), else the
 * {@code error} problem it would have been (409 {@code lease_lost}, 404, 400 …).
 */
public record CompleteTasksResponse(List<Result> results) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(UUID taskId, int status, TaskView task, Problem error) {
        static Result of(Completions.Outcome outcome) {
            return outcome.refusal() == null ? new Result(outcome.taskId(), 200, TaskView.of(outcome.task()), null)
                    : new Result(outcome.taskId(), outcome.refusal().status(), null, outcome.refusal().toProblem());
        }
    }
}

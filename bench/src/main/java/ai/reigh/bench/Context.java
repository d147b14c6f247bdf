package ai.reigh.bench;

import java.util.ArrayList;
import java.util.List;

import io.vertx.core.Vertx;

/** What every scenario uses: the options, the clients, the bench's data, the figures and invariant checks so far. */
public record Context(BenchOptions options, Vertx vertx, Database db, Http http, Tokens tokens, Fixtures fixtures,
        List<Figure> figures, Invariants invariants) {

    public Context(BenchOptions options, Vertx vertx, Database db, Http http, Tokens tokens, Fixtures fixtures) {
        this(options, vertx, db, http, tokens, fixtures, new ArrayList<>(), new Invariants());
    }

    public Figure figure(Figure figure) {
        figures.add(figure);
        return figure;
    }

    public BenchOptions.Sizes sizes() {
        return options.sizes();
    }

    /** Pair i runs the raw side first when i is even, the platform first when odd: order effects cancel. */
    public static boolean rawFirst(int pair) {
        return pair % 2 == 0;
    }

    public static void log(String format, Object... args) {
        System.err.printf("bench: " + format + "%n", args);
    }
}

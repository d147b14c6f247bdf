package ai.reigh.k8s;

import java.util.Set;
import java.util.TreeSet;

/**
 * The metric names a PromQL expression reads: its identifiers that are not functions, aggregations,
 * keywords, label names (inside braces, or the label lists of by / without / on / ignoring /
 * group_left / group_right) or duration units. Small on purpose: enough to hold the alerts and the
 * dashboards to the metrics that really exist, not a parser of the language.
 */
final class PromQl {
    private static final Set<String> FUNCTIONS_AND_KEYWORDS = Set.of("sum", "min", "max", "avg", "count", "stddev",
            "stdvar", "topk", "bottomk", "quantile", "count_values", "group", "rate", "irate", "increase", "delta",
            "idelta", "deriv", "changes", "resets", "abs", "ceil", "floor", "round", "clamp", "clamp_min", "clamp_max",
            "time", "timestamp", "vector", "scalar", "absent", "absent_over_time", "histogram_quantile", "label_replace",
            "label_join", "sort", "sort_desc", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time",
            "count_over_time", "last_over_time", "predict_linear", "by", "without", "on", "ignoring", "group_left",
            "group_right", "and", "or", "unless", "offset", "bool", "inf", "nan");
    private static final Set<String> LABEL_LIST_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right");

    private PromQl() {
    }

    static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        int i = 0;
        int braces = 0;
        String previousWord = "";
        while (i < expr.length()) {
            char c = expr.charAt(i);
            if (c == '"' || c == '\'' || c == '`') {
                int end = expr.indexOf(c, i + 1);
                while (end > 0 && c != '`' && expr.charAt(end - 1) == '\\') {
                    end = expr.indexOf(c, end + 1);
                }
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated string in " + expr);
                }
                i = end + 1;
            } else if (c == '{') {
                braces++;
                i++;
            } else if (c == '}') {
                braces--;
                i++;
            } else if (c == '[') {
                i = expr.indexOf(']', i) + 1;
            } else if (c == '(' && LABEL_LIST_KEYWORDS.contains(previousWord)) {
                i = expr.indexOf(')', i) + 1;
                previousWord = "";
            } else if (Character.isLetter(c) || c == '_' || c == ':') {
                int start = i;
                while (i < expr.length() && (Character.isLetterOrDigit(expr.charAt(i)) || expr.charAt(i) == '_'
                        || expr.charAt(i) == ':')) {
                    i++;
                }
                String word = expr.substring(start, i);
                boolean precededByDigit = start > 0 && Character.isDigit(expr.charAt(start - 1));
                if (braces == 0 && !precededByDigit && !FUNCTIONS_AND_KEYWORDS.contains(word.toLowerCase())) {
                    names.add(word);
                }
                previousWord = word.toLowerCase();
            } else {
                if (!Character.isWhitespace(c)) {
                    previousWord = "";
                }
                i++;
            }
        }
        return names;
    }
}

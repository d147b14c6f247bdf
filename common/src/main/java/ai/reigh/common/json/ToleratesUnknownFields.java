package ai.reigh.common.json;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bodies of the marked package's types (or of one marked type) are read tolerantly: a field this
 * release does not know is ignored instead of refused. It marks the contracts between the services
 * ({@code ai.reigh.common.internal}, the whole package, so that a type added there cannot forget it)
 * and the problem body of error answers: during a rolling upgrade a newer sender or receiver adds a
 * field, and an older reader must neither answer 400 (a charge would be refused) nor lose the answer.
 * Public write bodies are never marked: there an unknown field is refused (mass assignment).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.PACKAGE, ElementType.TYPE })
public @interface ToleratesUnknownFields {
}

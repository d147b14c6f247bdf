package ai.reigh.common.json;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedClass;
import com.fasterxml.jackson.databind.introspect.NopAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;

/**
 * Applies {@link ToleratesUnknownFields}: the shared reader refuses unknown fields everywhere
 * ({@link StrictJsonCustomizer}) except for types of a marked package, or marked themselves, which
 * ignore them. Read from the annotation, not listed, so that no type of a marked package is missed.
 */
public final class TolerantContracts {
    private TolerantContracts() {
    }

    public static Module module() {
        return new SimpleModule("reigh-tolerant-contracts") {
            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.insertAnnotationIntrospector(new Introspector());
            }
        };
    }

    /** Whether bodies of {@code type} ignore unknown fields. */
    public static boolean tolerates(Class<?> type) {
        return type.isAnnotationPresent(ToleratesUnknownFields.class)
                || (type.getPackage() != null && type.getPackage().isAnnotationPresent(ToleratesUnknownFields.class));
    }

    private static final class Introspector extends NopAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(MapperConfig<?> config, Annotated annotated) {
            if (annotated instanceof AnnotatedClass type && tolerates(type.getRawType())) {
                return JsonIgnoreProperties.Value.forIgnoreUnknown(true);
            }
            return JsonIgnoreProperties.Value.empty();
        }
    }
}

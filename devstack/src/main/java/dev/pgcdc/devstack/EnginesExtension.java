package dev.pgcdc.devstack;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension that injects engines into test constructors, test methods and {@code @BeforeAll} /
 * {@code @BeforeEach} methods. One {@link Engines} per test JVM (kept in the root extension context's store,
 * closed when the whole run ends) is shared by every test class; each engine starts on the first test that
 * asks for it. The kind of engines comes from {@value Engines#SYSTEM_PROPERTY} (see
 * {@link Engines#fromSystemProperty()}).
 *
 * <p>Injectable types: {@link Engines}, {@link PostgresEndpoint}, {@link KafkaEndpoint},
 * {@link ElasticsearchEndpoint}, and, with local engines only, {@link PostgresServer}, {@link KafkaServer}
 * and {@link ElasticsearchServer} for tests that stop and restart an engine (they must leave it running).
 * A test method with such a parameter is skipped (disabled, with the reason) when the engines are not
 * local, so the same test classes run unchanged with {@code -Dpgcdc.engines=testcontainers}.
 */
public final class EnginesExtension implements ParameterResolver, ExecutionCondition {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EnginesExtension.class);
    private static final Set<Class<?>> LOCAL_ONLY = Set.of(PostgresServer.class, KafkaServer.class,
            ElasticsearchServer.class);
    private static final Set<Class<?>> SUPPORTED = Set.of(Engines.class, PostgresEndpoint.class,
            KafkaEndpoint.class, ElasticsearchEndpoint.class, PostgresServer.class, KafkaServer.class,
            ElasticsearchServer.class);

    /** The engines shared by this test run, created on first call. */
    public static Engines engines(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Engines.class, key -> Engines.fromSystemProperty(), Engines.class);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean needsLocal = context.getTestMethod()
                .map(method -> Arrays.stream(method.getParameterTypes()).anyMatch(LOCAL_ONLY::contains))
                .orElse(false);
        if (!needsLocal) {
            return ConditionEvaluationResult.enabled("no local-only engine parameter");
        }
        Engines engines = engines(context);
        return engines.kind() == Engines.Kind.LOCAL
                ? ConditionEvaluationResult.enabled("local engines")
                : ConditionEvaluationResult.disabled("needs local engines for stop/start control, but "
                        + Engines.SYSTEM_PROPERTY + " selected " + engines.kind());
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return SUPPORTED.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        Engines engines = engines(context);
        if (type == Engines.class) {
            return engines;
        }
        if (type == PostgresEndpoint.class) {
            return engines.postgres();
        }
        if (type == KafkaEndpoint.class) {
            return engines.kafka();
        }
        if (type == ElasticsearchEndpoint.class) {
            return engines.elasticsearch();
        }
        if (!(engines instanceof LocalEngines local)) {
            throw new ParameterResolutionException(type.getSimpleName() + " (stop/start control) needs local "
                    + "engines, but " + Engines.SYSTEM_PROPERTY + " selected " + engines.kind()
                    + "; ask for the endpoint interface instead, or run with -D" + Engines.SYSTEM_PROPERTY + "=local");
        }
        if (type == PostgresServer.class) {
            return local.postgres();
        }
        if (type == KafkaServer.class) {
            return local.kafka();
        }
        if (type == ElasticsearchServer.class) {
            return local.elasticsearch();
        }
        throw new ParameterResolutionException("unsupported parameter type " + type);
    }
}

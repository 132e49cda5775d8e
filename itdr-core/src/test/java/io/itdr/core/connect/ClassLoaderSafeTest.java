package io.itdr.core.connect;

import static org.assertj.core.api.Assertions.assertThat;

import io.itdr.spi.Connector;
import io.itdr.spi.ConnectorFactory;
import io.itdr.spi.action.ActionExecutor;
import io.itdr.spi.inventory.InventorySource;
import io.itdr.spi.telemetry.EventNormalizer;
import io.itdr.spi.telemetry.TelemetrySource;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every SPI method, default ones included, is overridden by its class-loader-safe wrapper (as
 * Trino's {@code TestClassLoaderSafeWrappers} checks): a method added to the SPI and forgotten
 * here would run plugin code with the host's context class loader.
 */
class ClassLoaderSafeTest {

    @Test
    void everyWrapperOverridesEveryMethodOfItsInterface() {
        check(ConnectorFactory.class, ClassLoaderSafe.SafeFactory.class);
        check(Connector.class, ClassLoaderSafe.SafeConnector.class);
        check(TelemetrySource.class, ClassLoaderSafe.SafeTelemetry.class);
        check(EventNormalizer.class, ClassLoaderSafe.SafeNormalizer.class);
        check(InventorySource.class, ClassLoaderSafe.SafeInventory.class);
        check(ActionExecutor.class, ClassLoaderSafe.SafeActions.class);
        check(io.itdr.spi.telemetry.FindingConfirmer.class, ClassLoaderSafe.SafeConfirmer.class);
    }

    private static void check(Class<?> spi, Class<?> wrapper) {
        List<Method> methods = Arrays.stream(spi.getMethods()).filter(m -> !Modifier.isStatic(m.getModifiers())).toList();
        assertThat(methods).isNotEmpty();
        for (Method method : methods) {
            assertThat(Arrays.stream(wrapper.getDeclaredMethods())
                    .anyMatch(m -> m.getName().equals(method.getName()) && Arrays.equals(m.getParameterTypes(), method.getParameterTypes())))
                    .as("%s overrides %s", wrapper.getSimpleName(), method)
                    .isTrue();
        }
    }
}

package io.itdr.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code helm template} of deploy/helm/itdr (Helm's own library through helm-java; linux-amd64 only, skipped elsewhere),
 * read back as YAML: probes on the actuator, a non-root read-only container, every secret by reference, PostgreSQL, the
 * plugin folder as a volume, the console behind the ingress.
 */
class HelmChartTest {
    private static final Path CHART = Path.of("..", "deploy", "helm", "itdr");

    @BeforeAll
    static void linuxAmd64() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux") && (arch.equals("amd64")
                || arch.equals("x86_64")), "helm-java's native library is bundled for linux-amd64 here");
        assertThat(CHART.resolve("Chart.yaml")).exists();
    }

    @Test
    void theDefaultsRunAsNonRootWithProbesOnTheActuatorAndSecretsByReference() {
        Map<String, Map<String, Object>> objects = render(Map.of());

        assertThat(objects).containsOnlyKeys("Deployment/itdr", "Service/itdr");
        Map<String, Object> deployment = objects.get("Deployment/itdr");
        Map<String, Object> pod = map(map(map(deployment, "spec"), "template"), "spec");
        Map<String, Object> container = list(pod, "containers").get(0);
        assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 65532);
        assertThat(map(container, "securityContext")).containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(map(map(container, "livenessProbe"), "httpGet")).containsEntry("path", "/actuator/health/liveness");
        assertThat(map(map(container, "readinessProbe"), "httpGet")).containsEntry("path", "/actuator/health/readiness");
        assertThat(map(map(container, "startupProbe"), "httpGet")).containsEntry("path", "/actuator/health/liveness");
        assertThat(container.get("image")).isEqualTo("itdr:0.1.0-SNAPSHOT");
        assertThat(env(container)).doesNotContainKeys("ITDR_CONSOLE_ISSUER_URI", "ITDR_CONSOLE_CLIENT_SECRET");
        assertThat(env(container)).containsEntry("ITDR_DB_URL", "jdbc:postgresql://postgresql:5432/itdr")
                .containsEntry("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED", "true")
                .containsEntry("ITDR_DB_PASSWORD", "secret itdr-db/password")
                .doesNotContainKey("ITDR_SECURITY_BOOTSTRAP_ADMIN_TOKEN");
        assertThat(map(deployment, "spec")).containsEntry("replicas", 1);
    }

    @Test
    void pluginsPolicyCheckpointsAndConnectorSecretsComeFromVolumesAndSecrets() throws Exception {
        Path values = Files.createTempFile("itdr-values", ".yaml");
        Files.writeString(values, """
                policyConfigMap: itdr-policy
                catalogConfigMap: itdr-catalog
                bootstrapAdminTokenSecret: {name: itdr-admin, key: token}
                plugins:
                  volume:
                    persistentVolumeClaim: {claimName: itdr-plugins}
                ledgerCheckpoints:
                  enabled: true
                  volume:
                    persistentVolumeClaim: {claimName: itdr-audit}
                env:
                  ITDR_CONNECTORS_OKTA_ENABLED: "true"
                  ITDR_CONNECTORS_OKTA_CONFIG_API_TOKEN: env:OKTA_API_TOKEN
                secretEnv:
                  - {name: OKTA_API_TOKEN, secret: itdr-okta, key: api-token}
                ingress:
                  enabled: true
                  className: nginx
                  host: itdr.example.com
                console:
                  issuerUri: https://login.example.com/realms/ops
                  clientId: itdr-console
                  clientSecretSecret: {name: itdr-console, key: client-secret}
                  rolesClaim: realm_access.roles
                """);
        Map<String, Map<String, Object>> objects = render(Map.of(), values);

        Map<String, Object> pod = map(map(map(objects.get("Deployment/itdr"), "spec"), "template"), "spec");
        Map<String, Object> container = list(pod, "containers").get(0);
        assertThat(env(container)).containsEntry("ITDR_PLUGINS_DIR", "/opt/itdr/plugins-mounted")
                .containsEntry("ITDR_POLICY", "/etc/itdr/policy/policy.yaml")
                .containsEntry("ITDR_CATALOG", "/etc/itdr/catalog/catalog.yaml")
                .containsEntry("ITDR_SECURITY_BOOTSTRAP_ADMIN_TOKEN", "secret itdr-admin/token")
                .containsEntry("ITDR_LEDGER_CHECKPOINT_KEY", "file:/etc/itdr/ledger-key/ledger-checkpoint.key")
                .containsEntry("OKTA_API_TOKEN", "secret itdr-okta/api-token")
                .containsEntry("ITDR_CONNECTORS_OKTA_CONFIG_API_TOKEN", "env:OKTA_API_TOKEN")
                .containsEntry("ITDR_CONSOLE_ISSUER_URI", "https://login.example.com/realms/ops")
                .containsEntry("ITDR_CONSOLE_CLIENT_ID", "itdr-console")
                .containsEntry("ITDR_CONSOLE_ROLES_CLAIM", "realm_access.roles")
                .containsEntry("ITDR_CONSOLE_CLIENT_SECRET_VALUE", "secret itdr-console/client-secret")
                .containsEntry("ITDR_CONSOLE_CLIENT_SECRET", "env:ITDR_CONSOLE_CLIENT_SECRET_VALUE")
                .containsEntry("SERVER_FORWARD_HEADERS_STRATEGY", "framework");
        assertThat(list(container, "volumeMounts")).extracting(m -> m.get("mountPath"))
                .contains("/opt/itdr/plugins-mounted", "/etc/itdr/policy", "/var/lib/itdr/checkpoints", "/tmp");
        assertThat(list(pod, "volumes")).anySatisfy(v -> assertThat(v).containsEntry("name", "plugins")
                .containsEntry("persistentVolumeClaim", Map.of("claimName", "itdr-plugins")));
        Map<String, Object> ingress = objects.get("Ingress/itdr");
        assertThat(map(ingress, "spec")).containsEntry("ingressClassName", "nginx");
        assertThat(list(map(ingress, "spec"), "tls").get(0)).containsEntry("secretName", "itdr-tls");
    }

    private static Map<String, Map<String, Object>> render(Map<String, String> set, Path... valuesFiles) {
        TemplateCommand template = new Helm(CHART).template().withName("itdr");
        set.forEach(template::set);
        for (Path values : valuesFiles) {
            template.withValuesFile(values);
        }
        String out = template.call();
        Map<String, Map<String, Object>> objects = new java.util.TreeMap<>();
        for (Object document : new Yaml().loadAll(out)) {
            if (document instanceof Map<?, ?> object) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) object;
                objects.put(typed.get("kind") + "/" + map(typed, "metadata").get("name"), typed);
            }
        }
        return objects;
    }

    /** Environment of the container: plain values as is, secret references as "secret name/key". */
    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new java.util.TreeMap<>();
        for (Map<String, Object> variable : list(container, "env")) {
            Object value = variable.get("value");
            if (value == null) {
                Map<String, Object> ref = map(map(variable, "valueFrom"), "secretKeyRef");
                value = "secret " + ref.get("name") + "/" + ref.get("key");
            }
            env.put((String) variable.get("name"), String.valueOf(value));
        }
        return env;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return new ArrayList<>((List<Map<String, Object>>) parent.get(key));
    }
}

package io.itdr.server.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.cfg.EnumFeature;

/**
 * How the API speaks HTTP and JSON: action ids carry '/', so Tomcat passes an encoded slash
 * ({@code %2F}) through undecoded and Spring MVC decodes it inside the one path variable; enums
 * are written in lower case as the policy names them ({@code quarantine_session}, {@code held},
 * {@code shadow}); the OpenAPI document names the bearer scheme.
 */
@Configuration(proxyBeanMethods = false)
public class WebConfiguration {

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> encodedSlashInPathSegments() {
        return factory -> factory.addConnectorCustomizers(
                connector -> connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue()));
    }

    /** Requests Tomcat refuses itself are answered as problem details too ({@link ProblemErrorReportValve}). */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof org.apache.catalina.core.StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        });
    }

    @Bean
    JsonMapperBuilderCustomizer lowerCaseEnums() {
        return builder -> builder.enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE);
    }

    @Bean
    OpenAPI itdrOpenApi() {
        return new OpenAPI()
                .info(new Info().title("itdr API").version("v1")
                        .description("Identity threat detection and response for non-human identities: events, findings, "
                                + "incidents, decisions, actions, approvals, policies, connectors, the kill switch and the "
                                + "audit ledger. Errors are RFC 9457 problem details. Roles and endpoints: API.md."))
                .components(new Components().addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP)
                        .scheme("bearer").description("an itdr API token (itdr_…) or an OIDC JWT")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}

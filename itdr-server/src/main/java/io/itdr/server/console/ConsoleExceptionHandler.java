package io.itdr.server.console;

import io.itdr.server.api.ApiProblem;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * A console page that cannot be shown (an unknown action, a missing parameter, a failure of the server) is an HTML page
 * saying why, not the API's JSON problem: this advice, for the console's controller only, comes before the API's.
 */
@ControllerAdvice(assignableTypes = ConsoleController.class)
@ConditionalOnConsole
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ConsoleExceptionHandler {

    @ExceptionHandler(RuntimeException.class)
    String failed(RuntimeException e, Model model, HttpServletResponse response) {
        HttpStatus status = e instanceof ApiProblem problem ? problem.status() : HttpStatus.INTERNAL_SERVER_ERROR;
        response.setStatus(status.value());
        model.addAttribute("heading", status == HttpStatus.NOT_FOUND ? "Not found" : status.is4xxClientError() ? "Cannot show this" : "Server error");
        model.addAttribute("error", ConsoleErrors.describe("console page", e));
        return "console/error";
    }

    @ExceptionHandler(org.springframework.web.bind.MissingServletRequestParameterException.class)
    String missing(org.springframework.web.bind.MissingServletRequestParameterException e, Model model, HttpServletResponse response) {
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        model.addAttribute("heading", "Cannot show this");
        model.addAttribute("error", "The address lacks the parameter '" + e.getParameterName() + "'.");
        return "console/error";
    }
}

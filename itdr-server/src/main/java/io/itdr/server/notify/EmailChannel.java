package io.itdr.server.notify;

import io.itdr.spi.config.Secret;
import jakarta.mail.Authenticator;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.PasswordAuthentication;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;

/** Email over SMTP (Jakarta Mail): the notice's title as the subject, what, why and the link as the plain-text body. */
final class EmailChannel implements Channel {
    private final Session session;
    private final InternetAddress from;
    private final InternetAddress[] to;

    EmailChannel(NotificationProperties.Email email, Secret password, Duration timeout) {
        Objects.requireNonNull(email, "email");
        Properties props = new Properties();
        props.put("mail.smtp.host", email.host());
        props.put("mail.smtp.port", Integer.toString(email.port()));
        props.put("mail.smtp.connectiontimeout", Long.toString(timeout.toMillis()));
        props.put("mail.smtp.timeout", Long.toString(timeout.toMillis()));
        props.put("mail.smtp.writetimeout", Long.toString(timeout.toMillis()));
        if (email.starttls()) {
            props.put("mail.smtp.starttls.enable", "true");
            props.put("mail.smtp.starttls.required", "true");
        }
        Authenticator authenticator = null;
        if (email.username() != null && !email.username().isBlank()) {
            props.put("mail.smtp.auth", "true");
            String user = email.username();
            String pass = password == null ? "" : password.reveal();
            authenticator = new Authenticator() {
                @Override
                protected PasswordAuthentication getPasswordAuthentication() {
                    return new PasswordAuthentication(user, pass);
                }
            };
        }
        this.session = Session.getInstance(props, authenticator);
        if (email.from() == null || email.from().isBlank()) {
            throw new IllegalStateException("itdr.notifications.email.from: give the sender address");
        }
        try {
            this.from = new InternetAddress(email.from(), true);
            List<String> recipients = email.to() == null ? List.of() : email.to();
            if (recipients.isEmpty()) {
                throw new IllegalStateException("itdr.notifications.email.to: give at least one recipient");
            }
            this.to = new InternetAddress[recipients.size()];
            for (int i = 0; i < recipients.size(); i++) {
                to[i] = new InternetAddress(recipients.get(i), true);
            }
        } catch (AddressException e) {
            throw new IllegalStateException("itdr.notifications.email: not an email address: " + e.getRef(), e);
        }
    }

    @Override
    public String name() {
        return "email";
    }

    @Override
    public void send(Notice notice) throws DeliveryException {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipients(Message.RecipientType.TO, to);
            message.setSubject("[itdr] " + notice.title(), "UTF-8");
            message.setSentDate(new Date());
            message.setText(notice.text() + "\n", "UTF-8");
            message.setHeader("X-Itdr-Delivery", Long.toString(notice.ledgerSeq()));
            Transport.send(message);
        } catch (MessagingException e) {
            throw new DeliveryException("email: " + e.getClass().getSimpleName() + ": " + e.getMessage(), null, false);
        }
    }
}

"""Human text for the error codes the server answers with, in the caller's language."""

from __future__ import annotations

from typing import Any

from kolejka.i18n import N_, translator

MESSAGES: dict[str, str] = {
    "not_found": N_("Not found."),
    "site_not_found": N_("There is no site '{site}'."),
    "service_not_found": N_("There is no service '{service}'."),
    "counter_not_found": N_("There is no counter {counter}."),
    "ticket_not_found": N_("There is no ticket {ticket}."),
    "invalid_transition": N_("A ticket that is '{status}' cannot be given '{action}'."),
    "counter_busy": N_("Counter {counter} is still serving {ticket}."),
    "counter_paused": N_("Counter {counter} is paused."),
    "counter_closed": N_("Counter {counter} is closed."),
    "counter_does_not_serve": N_("Counter {counter} does not serve {service}."),
    "clerk_at_other_counter": N_("You are already signed in at counter {counter}."),
    "ticket_not_at_counter": N_("Ticket {ticket} is not at a counter."),
    "ticket_at_counter": N_(
        "Ticket {ticket} has already been called; the clerk will take care of it."
    ),
    "transfer_target_missing": N_("Choose a service or a counter to transfer to."),
    "recall_limit_reached": N_("The client was called {max_recalls} more times already."),
    "closed_today": N_("This service is closed today."),
    "not_yet_open": N_("This service is not open yet."),
    "closed_for_today": N_("This service has closed for today."),
    "daily_limit_reached": N_("Today's tickets for this service have run out."),
    "service_disabled": N_("This service is not available."),
    "priority_disabled": N_("Priority tickets are not offered here."),
    "idempotency_key_reused": N_("This request key was already used by someone else."),
    "idempotency_key_mismatch": N_("This request key was already used for another request."),
    "not_authenticated": N_("Sign in or present a device token."),
    "invalid_token": N_("The token is not valid or has expired."),
    "invalid_credentials": N_("Wrong user name or password."),
    "wrong_site": N_("This token belongs to another site."),
    "not_allowed": N_("This device may not do that."),
    "not_your_ticket": N_("This ticket was issued by another device."),
    "not_your_counter": N_("Counter {counter} is operated by someone else."),
    "clerk_required": N_("A clerk must be signed in for this."),
    "supervisor_required": N_("Only a supervisor may do this."),
    "admin_required": N_("Only an administrator may do this."),
    # the /admin console (server/console.py)
    "console_staff_only": N_(
        "The console is for supervisors and administrators. Please sign in at your counter."
    ),
    "csrf_failed": N_("The form has expired or did not come from this console. Please try again."),
    "console_bad_input": N_("Please check the field: {field}."),
    "rate_limited": N_("Too many tickets from this kiosk; please wait a moment."),
    "signin_throttled": N_(
        "Too many unsuccessful sign-in attempts. Please try again in {retry_after} s."
    ),
    "signin_busy": N_("Too many sign-ins at this moment. Please try again shortly."),
    "invalid_request": N_("The request is not valid."),
    "http_error": N_("The request could not be handled."),
    "not_ready": N_("The server is not ready: its database is unreachable or not upgraded."),
    # request limits and checks (server/guard.py, server/limits.py)
    "request_too_large": N_("The request is too large (at most {max_bytes} bytes)."),
    "headers_too_large": N_("The request headers are too large."),
    "invalid_encoding": N_("The request body is not valid UTF-8 text."),
    "null_character": N_("The request contains a NUL character, which is not allowed."),
    "method_not_allowed": N_("This method is not allowed here (allowed: {allow})."),
    "site_code_mismatch": N_("The configuration is for another site than '{site}'."),
    "admin_would_lock_out": N_("The new configuration must keep you as an administrator."),
    "clerk_needs_password": N_("Give a password for the new clerk '{username}'."),
    "device_token_in_use": N_("The token of device '{device}' belongs to another site."),
    "config_strands_appointments": N_(
        "This change would leave {count} booked appointments without a place: {slots}. "
        "Move or cancel them first."
    ),
    # appointments (server/appointments.py)
    "appointment_forged": N_("This code is not a valid booking confirmation."),
    "appointment_unknown": N_("We cannot find this booking code. Please check it and try again."),
    "appointment_other_site": N_("This booking is for another office."),
    "appointment_cancelled": N_("This booking was cancelled."),
    "appointment_used": N_("This booking has already been used to take a ticket."),
    "appointment_too_early": N_("Check-in for this appointment opens at {opens}."),
    "appointment_too_late": N_("Check-in for this appointment closed at {closed}."),
    "appointment_not_found": N_("There is no appointment {appointment}."),
    "appointment_exists": N_("An appointment with the reference '{external_ref}' already exists."),
    "appointments_not_offered": N_("Appointments cannot be booked for service {service}."),
    "slot_in_past": N_("The time {start} has already passed."),
    "slot_misaligned": N_("Appointments start every {minutes} minutes from the opening time."),
    "slot_closed": N_("Service {service} is not open at {start}."),
    "slot_full": N_("The time {start} for service {service} is fully booked."),
    "personal_data_disabled": N_("This office does not store names or contacts with bookings."),
    "import_invalid": N_("Lines with errors: {count}. Nothing was imported."),
    "import_empty": N_("The file contains no appointments."),
    "import_missing_columns": N_("The file lacks these columns: {columns}."),
    "import_missing_value": N_("Missing values: {columns}."),
    "import_bad_value": N_("Values that are not valid: {columns}."),
    "import_bad_date": N_("'{value}' is not a date (use YYYY-MM-DD or DD.MM.YYYY)."),
    "import_bad_time": N_("'{value}' is not a time (use HH:MM)."),
    "import_bad_language": N_("'{value}' is not a language (use pl, en, ru or uk)."),
    "import_too_large": N_("The file has more than {max_rows} lines; please split it."),
    "import_malformed_line": N_(
        "Line {line} cannot be read (a stray line break, quotation mark or NUL character?)."
    ),
    "invalid_range": N_(
        "The range must end on or after its start and hold at most {max_days} days."
    ),
}


def message_for(code: str, params: dict[str, Any], language: str) -> str:
    template = MESSAGES.get(code)
    if template is None:
        return code
    text = translator(language).gettext(template)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text

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
    # the clerk's further verbs (server/ticketing.py, server/counters.py)
    "counter_held": N_("Counter {counter} is in use by {clerk}. Please choose a free counter."),
    "outcome_unknown": N_("'{outcome}' is not an outcome of this service (choose: {options})."),
    "outcome_required": N_("Please choose how the visit ended: {options}."),
    "reactivate_too_late": N_(
        "Ticket {ticket} can be reactivated only within {minutes} minutes of the no-show."
    ),
    "parked_elsewhere": N_("Ticket {ticket} was parked by another counter."),
    "clerk_required": N_("A clerk must be signed in for this."),
    "supervisor_required": N_("Only a supervisor may do this."),
    "admin_required": N_("Only an administrator may do this."),
    # the /admin console (server/console.py)
    "console_staff_only": N_(
        "The console is for supervisors and administrators. Please sign in at your counter."
    ),
    "csrf_failed": N_("The form has expired or did not come from this console. Please try again."),
    "console_bad_input": N_("Please check the field: {field}."),
    "ticket_already_there": N_("Ticket {ticket} already waits for that service."),
    "ticket_already_priority": N_("Ticket {ticket} already has that priority."),
    "ticket_from_another_day": N_("Ticket {ticket} is from another day."),
    "clerk_id_not_found": N_("There is no clerk {clerk}."),
    "device_not_found": N_("There is no device {device}."),
    "device_revoked": N_("Device {device} has been revoked."),
    "nothing_to_reprint": N_("Kiosk {device} has issued no ticket today."),
    "rate_limited": N_("Too many tickets from this kiosk; please wait a moment."),
    "signin_throttled": N_(
        "Too many unsuccessful sign-in attempts. Please try again in {retry_after} s."
    ),
    "signin_busy": N_("Too many sign-ins at this moment. Please try again shortly."),
    "invalid_request": N_("The request is not valid."),
    "http_error": N_("The request could not be handled."),
    "not_ready": N_("The server is not ready: its database is unreachable or not upgraded."),
    "database_unavailable": N_(
        "The server's database is unavailable for a moment. Please try again in a few seconds."
    ),
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
    # configuration console (server/config_admin.py)
    "config_changed": N_(
        "The configuration was changed since you opened it (by someone else, or in "
        "another window). Please reload the page and make your change again."
    ),
    "invalid_config": N_("The configuration is not valid: {field}."),
    "invalid_revision": N_("The revision in If-Match is not a number."),
    "service_exists": N_("There is already a service with the prefix {service}."),
    "service_code_fixed": N_(
        "The prefix of service {service} cannot change; create a new service instead."
    ),
    "service_order_incomplete": N_("Give every service once: {services}."),
    "counter_exists": N_("Counter {counter} already exists."),
    "counter_number_fixed": N_("The number of counter {counter} cannot change."),
    "counter_in_use": N_("Counter {counter} is open; it must be closed first."),
    "clerk_exists": N_("There is already an account '{username}'."),
    "clerk_not_found": N_("There is no account '{username}'."),
    "clerk_disabled": N_("The account '{username}' is disabled; enable it first."),
    "clerk_in_directory": N_(
        "'{username}' signs in with the office directory's password; change it there."
    ),
    "device_exists": N_("There is already a device named '{device}'."),
    "device_counter_kind": N_("Only a counter desk is tied to a counter."),
    "device_zone_kind": N_("Only a display shows a zone."),
    "config_not_toml": N_("The file is not valid TOML: {reason}"),
    "config_one_site": N_("The file must hold exactly one [[sites]] table."),
    # directory sign-in (server/directory.py)
    "directory_unavailable": N_(
        "The office directory cannot be reached, so nobody can sign in with its password "
        "now. Please try again in a moment or tell the administrator."
    ),
    "directory_no_role": N_(
        "Your directory account is not in a group that may use Kolejka. "
        "Please ask the administrator."
    ),
    # appointments (server/appointments.py)
    "appointment_forged": N_(
        "This code is not a valid booking confirmation. "
        "Please scan the code on your confirmation again or ask at the information desk."
    ),
    "appointment_unknown": N_("We cannot find this booking code. Please check it and try again."),
    "appointment_other_site": N_(
        "This booking is for another office: its address is on your confirmation."
    ),
    "appointment_cancelled": N_(
        "This booking was cancelled. "
        "Please take a ticket for your matter or ask at the information desk."
    ),
    "appointment_used": N_(
        "This booking has already been used to take a ticket. "
        "If you have lost the ticket, please ask at the information desk."
    ),
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
    # the open feed and the public status page (server/routes/open_data.py)
    "open_feed_rate_limited": N_(
        "Too many requests from this address. Please try again in {retry_after} s."
    ),
    "wait_past_closing": N_(
        "Today's tickets for this service have run out: a new ticket would not be served "
        "before closing."
    ),
    # online booking (server/public_booking.py, server/routes/book.py)
    "booking_not_online": N_("This matter cannot be booked online."),
    "booking_beyond_horizon": N_("Appointments can be booked at most {days} days ahead."),
    "booking_too_late": N_(
        "This time can no longer be booked online (booking closes {hours} h before)."
    ),
    "booking_too_late_to_change": N_("This appointment can no longer be changed online."),
    "booking_online_full": N_(
        "All the places for online booking on this day are taken. Please choose another day."
    ),
    "booking_duplicate": N_("You already have an appointment for this matter on this day."),
    "booking_contact_limit": N_(
        "This e-mail address or phone number already has {limit} upcoming appointments."
    ),
    "booking_address_limit": N_(
        "Too many appointments have been booked from this network today. Please try again "
        "tomorrow or ask at the office."
    ),
    "booking_replayed": N_(
        "This form has already been sent and the appointment booked. Please look for the "
        "confirmation we sent you."
    ),
    "booking_invalid_email": N_("The e-mail address does not look right."),
    "booking_invalid_phone": N_(
        "The phone number does not look right (for example +48 600 100 200)."
    ),
    "booking_email_required": N_("Please give your e-mail address."),
    "booking_phone_required": N_("Please give your mobile phone number."),
    "booking_contact_required": N_("Please give an e-mail address or a mobile phone number."),
    "booking_field_required": N_("Please fill in: {field}."),
    "booking_field_invalid": N_("This does not look right: {field}."),
    "booking_document_required": N_("Please give your passport or ID number."),
    "booking_consent_required": N_("Please agree to the processing of your contact."),
    "booking_confirm_cancel": N_("Please tick the box to confirm the cancellation."),
    "manage_link_invalid": N_(
        "This link does not lead to any appointment. Please check that it was copied whole."
    ),
    "booking_rate_limited": N_(
        "Too many attempts from this network. Please try again in {retry_after} s."
    ),
    "form_expired": N_("The form has expired. Please check the details and send it again."),
    "ticket_not_waiting": N_("This ticket is no longer waiting."),
    "appointment_document_required": N_(
        "Please type the passport or ID number given when booking."
    ),
    "appointment_document_mismatch": N_(
        "The document number does not match the booking. Please check it and type it again "
        "(tries left: {tries_left})."
    ),
    "appointment_document_locked": N_(
        "The document number was typed wrongly too many times for this booking. Please go "
        "to the information desk with your document."
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

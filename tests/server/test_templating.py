"""The server-rendered pages' templates translate through the catalogues and escape."""

from server.templating import environment


def test_templates_translate_in_the_page_language():
    source = '{{ _("Your number") }}'
    assert (
        environment("pl").from_string(source).render()
        != environment("en").from_string(source).render()
    )
    assert environment("en").from_string(source).render() == "Your number"


def test_values_are_escaped():
    page = environment("en").from_string("<p>{{ name }}</p>").render(name="<script>")
    assert page == "<p>&lt;script&gt;</p>"


def test_placeholders_are_filled_like_the_python_messages_and_values_escaped():
    source = '{{ _("There is no ticket {ticket}.", ticket=t) }}'
    page = environment("pl").from_string(source).render(t="<b>A001</b>")
    assert page == "Nie ma biletu &lt;b&gt;A001&lt;/b&gt;."


def test_placeholders_are_filled_and_their_values_escaped():
    source = '{{ _("Counter {n}", n=value) }}'
    assert environment("pl").from_string(source).render(value=3) == "Stanowisko 3"
    escaped = environment("en").from_string(source).render(value="<b>")
    assert escaped == "Counter &lt;b&gt;"

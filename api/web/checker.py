"""The eligibility checker's flow: which schemes, which year, which ward, then one question a page, its answers, its result.

Nothing is kept on the server: the answers so far travel in the page's address (``?scheme=…&year=…``)
and, on a form, in hidden fields, so the flow works with JavaScript off and a result page is a link.
Every value read from an address or a form is checked again, so a changed address can only ask
again a question whose answer it spoilt.

The questions are the inputs that matter to the chosen schemes (``kruger_rules.dependencies``, as
``GET /api/v1/inputs`` answers it): the organisation's own inputs are asked one a page; the place's
are looked up from a ward code (the ward table the population runs use), which may be skipped. An
answer is checked by the conversion a situation's value goes through (``kruger_rules.situations.convert``),
and the result is the explanation ``POST /api/v1/eligibility`` answers (``kruger_rules.explain``).
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

from openfisca_core.indexed_enums import Enum

from api.web import formatting
from kruger_rules.coverage import FIRST_YEAR, LAST_YEAR, covered_year
from kruger_rules.dependencies import dependencies
from kruger_rules.errors import KrugerError
from kruger_rules.explain import explain
from kruger_rules.population.places import PLACE_INPUTS
from kruger_rules.population.wards import load_wards
from kruger_rules.schemes import Scheme, schemes
from kruger_rules.situations import convert
from kruger_rules.system import shared_system
from kruger_rules.units import CURRENCY, RATIO

ROOT = "/check"
ORGANISATION = "your_organisation"
PLACE = "your_place"
NO_WARD = "none"
"""The ward step's answer when it was skipped: the check runs without a place."""
SCHEMES, YEAR, WARD, CHANGE = "scheme", "year", "ward", "change"
API_KEY = "api_key"
"""The field of the form that records a result: an officer's API key, never kept in the state, an address or a page."""
RECORD = "record"
"""The result's address names the records just made of it with this field (once a record): shown once checked in the store."""
RESERVED = {SCHEMES, YEAR, WARD, CHANGE, API_KEY, RECORD}
KIND_ORDER = {"enum": 0, "bool": 1, "number": 2, "date": 3}
"""Questions are asked categories first (the kind of body frames the rest), then yes/no, numbers and dates."""
WARD_CODE = re.compile(r"^E05\d{6}$")
DATE_PARTS = ("day", "month", "year")


class AnswerError(Exception):
    """An answer that cannot be taken: its message for the page, and the id of the field at fault."""

    def __init__(self, message: str, field: str, parts: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.parts = tuple(parts)
        """For a date, which of its day, month and year are at fault."""


# The schemes and their questions


def system():
    return shared_system()


def organisation_schemes() -> list[Scheme]:
    """The schemes that decide for an organisation (the person entity), as their files declare them."""
    return schemes(system())[system().person_entity.key]


def scheme_by_key() -> dict[str, Scheme]:
    return {scheme.key: scheme for scheme in organisation_schemes()}


def ward_entity():
    """The entity a ward is: the one the ward table's inputs belong to."""
    return system().variables[PLACE_INPUTS[0]].entity


@functools.lru_cache(maxsize=64)
def ward_schemes(year: str) -> tuple[Scheme, ...]:
    """The place schemes a ward's facts decide alone in ``year``: every input that matters to them is one the ward table gives.

    A place scheme that needs facts of its own (a ballot's votes) is left out: a ward code cannot answer it.
    """
    rules, period = system(), covered_year(year)
    decided = []
    for scheme in schemes(rules)[ward_entity().key]:
        inputs: set[str] = set()
        for shown in (scheme.eligibility, *scheme.amounts, *scheme.dates, *scheme.outcomes):
            inputs |= set(dependencies(rules, shown, period).inputs)
        if inputs <= set(PLACE_INPUTS):
            decided.append(scheme)
    return tuple(decided)


@dataclass(frozen=True)
class Question:
    """An input of the organisation, asked on a page of its own."""

    name: str
    kind: str
    """``bool``, ``enum``, ``number`` or ``date``: the GOV.UK input it is asked with."""
    label: str
    hint: str | None
    unit: str | None
    whole: bool = False
    options: tuple[tuple[str, str], ...] = ()
    """For a category: each value's name and label."""

    @property
    def prefix(self) -> str | None:
        return "£" if self.unit == CURRENCY else None

    @property
    def suffix(self) -> str | None:
        if self.unit == RATIO:
            return "%"
        return formatting.COUNT_WORDS.get(self.unit or "", (None, None))[1]

    @property
    def width(self) -> str:
        return "govuk-input--width-10" if self.unit == CURRENCY else "govuk-input--width-5"

    @property
    def field_id(self) -> str:
        """The id of the field an error summary links to: the first radio, the text input, the date's day."""
        return f"{self.name}-day" if self.kind == "date" else self.name


def question_for(variable, year: str) -> Question:
    kind = {bool: "bool", Enum: "enum", datetime.date: "date", int: "number", float: "number"}.get(variable.value_type)
    if kind is None:
        raise ValueError(f"'{variable.name}' is text: the checker cannot ask it")
    options = tuple((item.name, str(item.value)) for item in variable.possible_values) if kind == "enum" else ()
    unit = getattr(variable, "unit", None)
    hint = hint_for(variable, kind, unit, year)
    return Question(variable.name, kind, variable.label or variable.name, hint, unit, variable.value_type is int, options)


def hint_for(variable, kind: str, unit: str | None, year: str) -> str | None:
    """The variable's documentation where it has some, then how to write the answer."""
    parts = [variable.documentation.strip().split("\n\n")[0]] if variable.documentation else []
    if kind == "bool":
        parts.append(f"Answer yes if this is true of your organisation in {year}.")
    elif kind == "date":
        parts.append("For example, 27 3 2024")
    elif unit == CURRENCY:
        parts.append("In pounds, like 82000.")
    elif unit == RATIO:
        parts.append("As a percentage, like 80.")
    elif unit in formatting.COUNT_WORDS:
        parts.append(f"A whole number of {formatting.COUNT_WORDS[unit][1]}, like 18.")
    elif kind == "number":
        parts.append("A whole number." if variable.value_type is int else "A number.")
    return " ".join(parts) or None


@dataclass(frozen=True)
class Needs:
    """What the chosen schemes need asked: the organisation's questions in order, and whether a ward."""

    questions: tuple[Question, ...]
    ward: bool


@functools.lru_cache(maxsize=1024)
def needs(chosen: tuple[str, ...], year: str) -> Needs:
    """The inputs that can change any chosen scheme's eligibility, amounts, dates or outcomes in ``year``."""
    rules, period = system(), covered_year(year)
    by_key = scheme_by_key()
    names: set[str] = set()
    for key in chosen:
        scheme = by_key[key]
        for shown in (scheme.eligibility, *scheme.amounts, *scheme.dates, *scheme.outcomes):
            names |= set(dependencies(rules, shown, period).inputs)
    person = rules.person_entity.key
    order = {name: index for index, name in enumerate(rules.variables)}
    asked = [question_for(rules.variables[name], year) for name in names if rules.variables[name].entity.key == person]
    asked.sort(key=lambda question: (KIND_ORDER[question.kind], order[question.name]))
    clash = RESERVED & {question.name for question in asked}
    if clash:
        raise ValueError(f"the checker's own fields are named {sorted(clash)}: rename them in checker.py")
    return Needs(tuple(asked), any(name in PLACE_INPUTS for name in names))


# Answers: from a form to the text kept in the address, and from that text to a situation's value


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or len(text) == 1 else text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def situation_value(question: Question, text: str):
    """The JSON value a situation takes for a kept answer, checked as a situation's value is; AnswerError if it is not one."""
    variable = system().variables[question.name]
    label = upper_first(question.label)
    if question.kind == "bool":
        value: object = {"yes": True, "no": False}.get(text, text)
    elif question.kind == "number":
        value = number_in(text)
        if isinstance(value, float | int) and question.unit == RATIO:
            value = value / 100
    else:
        value = text
    try:
        converted = convert(variable, value, f"$.{question.name}")
    except KrugerError as error:
        parts = DATE_PARTS if question.kind == "date" else ()
        raise AnswerError(answer_message(question, label, error), question.field_id, parts) from None
    if question.kind == "enum":
        return text
    if question.kind == "date":
        return converted.isoformat()
    return converted


def number_in(text: str):
    """The number a kept answer writes, or the text itself (which the conversion refuses, saying why)."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def number_words(question: Question) -> tuple[str, str]:
    """The error messages of a number question: when it is not answered, and when its answer is not a number of its kind."""
    if question.unit == CURRENCY:
        return "Enter an amount in pounds, like 82000", "The amount must be a number of pounds, like 82000"
    if question.unit == RATIO:
        return "Enter a percentage from 0 to 100, like 80", "The percentage must be a number from 0 to 100, like 80"
    if question.unit in formatting.COUNT_WORDS:
        many = formatting.COUNT_WORDS[question.unit or ""][1]
        return f"Enter a whole number of {many}, like 18", f"The number of {many} must be a whole number, like 18"
    if question.whole:
        return "Enter a whole number, like 3", "The answer must be a whole number, like 3"
    return "Enter a number, like 12.5", "The answer must be a number, like 12.5"


def answer_message(question: Question, label: str, error: KrugerError) -> str:
    """The GOV.UK error message for an answer the conversion refused."""
    if question.kind == "bool":
        return "Select yes or no"
    if question.kind == "enum":
        return f"Select {lower_first(question.label)}"
    if question.kind == "date":
        return f"{label} must be a real date"
    if question.unit == RATIO and error.code == "out_of_range":
        return "The percentage must be from 0 to 100"
    if error.code == "out_of_range":
        return "The number must be smaller"
    return number_words(question)[1]


def read_answer(question: Question, form: dict[str, str]) -> str:
    """The answer a question's form holds, as the text kept in the address; AnswerError if there is none or it is wrong."""
    label = upper_first(question.label)
    if question.kind == "date":
        text = date_text(question, label, form)
    else:
        text = form.get(question.name, "").strip()
        if question.kind == "number":
            text = re.sub(r"[\s,]", "", text).removeprefix(question.prefix or "").removesuffix(question.suffix or "")
            if question.unit == RATIO:
                text = text.removesuffix("%")
        if not text:
            if question.kind == "bool":
                raise AnswerError("Select yes or no", question.field_id)
            if question.kind == "enum":
                raise AnswerError(f"Select {lower_first(question.label)}", question.field_id)
            raise AnswerError(number_words(question)[0], question.field_id)
    situation_value(question, text)
    return text


def date_text(question: Question, label: str, form: dict[str, str]) -> str:
    """A date from its day, month and year fields, as GOV.UK's date input asks it; YYYY-MM-DD."""
    parts = {part: form.get(f"{question.name}-{part}", "").strip() for part in DATE_PARTS}
    missing = [part for part in DATE_PARTS if not parts[part]]
    if len(missing) == 3:
        raise AnswerError(f"Enter {lower_first(question.label)}", question.field_id, DATE_PARTS)
    if missing:
        return_parts = " and a ".join(missing)
        raise AnswerError(f"{label} must include a {return_parts}", f"{question.name}-{missing[0]}", missing)
    if not all(value.isdigit() for value in parts.values()):
        raise AnswerError(f"{label} must be a real date", question.field_id, DATE_PARTS)
    if len(parts["year"]) != 4:
        raise AnswerError("Year must include 4 numbers", f"{question.name}-year", ("year",))
    return f"{int(parts['year']):04d}-{int(parts['month']):02d}-{int(parts['day']):02d}"


def date_fields(text: str | None) -> dict[str, str]:
    """A kept date's day, month and year, to fill the date input again."""
    if not text:
        return {}
    year, month, day = text.split("-")
    return {"day": str(int(day)), "month": str(int(month)), "year": year}


# Wards


@functools.cache
def wards():
    """England's wards of 2019 by code, with every place input filled (the table population runs use)."""
    return load_wards().set_index("ward_code", drop=False)


def ward_code(text: str) -> str:
    """A ward code as written, tidied: capitals, no spaces; AnswerError if it is no ward of England."""
    code = re.sub(r"\s", "", text).upper()
    if not code:
        raise AnswerError("Enter a ward code, like E05000026, or check without a place", WARD)
    if not WARD_CODE.match(code):
        raise AnswerError("Enter a ward code in the right format: E05 then 6 numbers, like E05000026", WARD)
    if code not in wards().index:
        raise AnswerError(f"No ward of England (2019) has the code {code}: check the code, or check without a place", WARD)
    return code


def ward_name(code: str) -> str:
    row = wards().loc[code]
    return f"{row['ward_name']}, {row['lad_name']} ({code})"


def ward_facts(code: str, year: str) -> dict:
    """The place inputs the ward table gives for a ward, as a situation's place takes them."""
    row = wards().loc[code]
    facts = {}
    for name in PLACE_INPUTS:
        value = row[name]
        facts[name] = {year: value.item() if hasattr(value, "item") else str(value)}
    return facts


def year_text(text: str) -> str:
    """A year the rules cover, as text; AnswerError otherwise."""
    text = text.strip()
    if not text:
        raise AnswerError("Enter the year to check", YEAR)
    if not (text.isdigit() and len(text) == 4):
        raise AnswerError(f"Enter the year as 4 numbers, like {default_year()}", YEAR)
    try:
        covered_year(text)
    except KrugerError:
        raise AnswerError(f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}", YEAR) from None
    return text


def default_year() -> str:
    return str(min(max(datetime.date.today().year, FIRST_YEAR), LAST_YEAR))


# The state of the flow


@dataclass(frozen=True)
class State:
    """The answers so far, each checked: what the address or the form's hidden fields hold."""

    schemes: tuple[str, ...] = ()
    year: str | None = None
    ward: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    change: bool = False

    @classmethod
    def read(cls, pairs: Iterable[tuple[str, str]]) -> State:
        """The state from an address's query or a form's fields; what is not a good answer is left out."""
        values: dict[str, list[str]] = {}
        for key, value in pairs:
            values.setdefault(key, []).append(value)
        known = scheme_by_key()
        chosen = tuple(key for key in known if key in values.get(SCHEMES, ()))
        year = last(values.get(YEAR))
        try:
            year = year_text(year) if year is not None else None
        except AnswerError:
            year = None
        ward = last(values.get(WARD))
        if ward is not None and ward != NO_WARD:
            try:
                ward = ward_code(ward)
            except AnswerError:
                ward = None
        state = cls(chosen, year, ward, {}, last(values.get(CHANGE)) == "1")
        answers = {}
        for question in state.questions():
            text = last(values.get(question.name))
            if text is None:
                continue
            try:
                situation_value(question, text)
            except AnswerError:
                continue
            answers[question.name] = text
        return replace(state, answers=answers)

    def needs(self) -> Needs:
        return needs(self.schemes, self.year or default_year()) if self.schemes else Needs((), False)

    def questions(self) -> tuple[Question, ...]:
        return self.needs().questions

    def question(self, name: str) -> Question | None:
        return next((question for question in self.questions() if question.name == name), None)

    def pairs(self, leave_out: str | None = None) -> list[tuple[str, str]]:
        """The state as an address's query, in the flow's order; ``leave_out`` is the step a form asks again."""
        pairs = [(SCHEMES, key) for key in self.schemes]
        pairs += [(key, value) for key, value in ((YEAR, self.year), (WARD, self.ward)) if value is not None]
        pairs += [(question.name, self.answers[question.name]) for question in self.questions() if question.name in self.answers]
        pairs = [(key, value) for key, value in pairs if key != leave_out]
        if self.change:
            pairs.append((CHANGE, "1"))
        return pairs

    def url(self, path: str, **extra: str) -> str:
        pairs = [*self.pairs(), *extra.items()]
        return f"{path}?{urlencode(pairs)}" if pairs else path

    def steps(self) -> list[str]:
        """Each step's name in order: ``scheme``, ``year``, ``ward`` where a chosen scheme needs a place, then each question."""
        steps = [SCHEMES, YEAR]
        if self.needs().ward:
            steps.append(WARD)
        return steps + [question.name for question in self.questions()]

    def answered(self, step: str) -> bool:
        if step == SCHEMES:
            return bool(self.schemes)
        if step == YEAR:
            return self.year is not None
        if step == WARD:
            return self.ward is not None
        return step in self.answers

    def first_unanswered(self) -> str | None:
        return next((step for step in self.steps() if not self.answered(step)), None)

    def complete(self) -> bool:
        return self.first_unanswered() is None

    def with_answer(self, step: str, answer: str | tuple[str, ...]) -> State:
        """The state with one step answered; answers no longer asked are dropped."""
        if step == SCHEMES:
            assert isinstance(answer, tuple)
            changed = replace(self, schemes=answer)
        elif step == YEAR:
            changed = replace(self, year=str(answer))
        elif step == WARD:
            changed = replace(self, ward=str(answer))
        else:
            changed = replace(self, answers={**self.answers, step: str(answer)})
        asked = {question.name for question in changed.questions()}
        return replace(changed, answers={name: text for name, text in changed.answers.items() if name in asked})

    # Where each step leads

    def step_url(self, step: str) -> str:
        return self.url(step_path(step))

    def next_url(self, step: str) -> str:
        """After a step is answered: back to the answers when changing one (unless a new question arose), else the next step."""
        steps = self.steps()
        if self.change or step not in steps:
            missing = self.first_unanswered()
            return self.step_url(missing) if missing else self.answers_url()
        later = steps[steps.index(step) + 1 :]
        return self.step_url(later[0]) if later else self.answers_url()

    def back_url(self, step: str) -> str:
        if self.change:
            return self.answers_url()
        steps = self.steps()
        position = steps.index(step) if step in steps else 0
        return self.step_url(steps[position - 1]) if position > 0 else ROOT

    def answers_url(self) -> str:
        return replace(self, change=False).url(f"{ROOT}/answers")

    def change_url(self, step: str) -> str:
        return replace(self, change=True).step_url(step)

    def result_url(self) -> str:
        return replace(self, change=False).url(f"{ROOT}/result")

    # The check itself

    def situation(self) -> dict:
        """The situation the answers make: one organisation, in its ward's place where a ward was given."""
        year = self.year or default_year()
        organisation = {}
        for question in self.questions():
            if question.name in self.answers:
                organisation[question.name] = {year: situation_value(question, self.answers[question.name])}
        situation: dict = {"organisations": {ORGANISATION: organisation}}
        if self.ward not in (None, NO_WARD):
            situation["places"] = {PLACE: {"members": [ORGANISATION], **ward_facts(str(self.ward), year)}}
        return situation

    def explained(self) -> dict:
        """The explanation ``POST /api/v1/eligibility`` answers for the situation: what the page shows, and what a record keeps."""
        return explain(system(), self.situation(), self.year or default_year())

    def result(self, explained: dict) -> dict:
        """The explanation of the organisation's chosen schemes, from the whole ``explained`` answer."""
        mine = explained[system().person_entity.plural][ORGANISATION]["schemes"]
        return {key: mine[key] for key in self.schemes}

    def ward_result(self, explained: dict) -> list[tuple[Scheme, dict]]:
        """The ward's own schemes (a left-behind place, a place's award, its dates), each with its explanation; none without a ward."""
        if self.ward in (None, NO_WARD):
            return []
        theirs = explained[ward_entity().plural][PLACE]["schemes"]
        return [(scheme, theirs[scheme.key]) for scheme in ward_schemes(self.year or default_year())]


def step_path(step: str) -> str:
    """A step's page: ``/check/schemes``, ``/check/year``, ``/check/ward``, ``/check/question/<variable>``."""
    if step in (SCHEMES, YEAR, WARD):
        return f"{ROOT}/{'schemes' if step == SCHEMES else step}"
    return f"{ROOT}/question/{step}"


def last(values: list[str] | None) -> str | None:
    return values[-1] if values else None

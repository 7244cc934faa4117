"""Fixture vocabulary for the seeded world: organisations, people, question templates.

Titles, parameter names and partition names follow what third parties saw in a LiveRamp demo
room (reference §12); the rest is invented but plausible. No randomness here: ``seed.py`` picks.
"""

from __future__ import annotations

from .model import OutputColumn, ParamSpec, Template

HOME_ORG = ("Northwind Retail", "northwind.example")
PARTNER_ORGS = [
    ("Contoso Media", "contoso-media.example"),
    ("Fabrikam Publishing", "fabrikam.example"),
    ("Tailspin Travel", "tailspin.example"),
    ("Litware Data", "litware.example"),
    ("Adatum Streaming", "adatum.example"),
    ("Wide World Importers", "wideworld.example"),
]

FIRST_NAMES = ["Avery", "Jordan", "Priya", "Mateo", "Hana", "Noah", "Chloe", "Kwame", "Sofia", "Liam",
               "Mei", "Omar", "Ines", "Theo", "Zara", "Lukas", "Amara", "Diego", "Freya", "Ravi"]
LAST_NAMES = ["Okafor", "Lindqvist", "Nakamura", "Fernandes", "Brennan", "Haddad", "Kowalski", "Mensah",
              "Rossi", "Schmidt", "Tanaka", "Alvarez", "Novak", "Dubois", "Patel", "Moreau"]

#: (name, displayName, listQuestionSupport, analyticalQuestionSupport, wallGarden)
ROOM_TYPES = [
    ("Hybrid", "Hybrid", True, True, False),
    ("Snowflake", "Snowflake", True, True, False),
    ("AWS", "AWS Clean Rooms", False, True, False),
    ("Google", "Google Cloud BigQuery", False, True, False),
    ("Databricks", "Databricks", True, True, False),
    ("HabuConfidentialComputing", "Confidential Computing", True, True, False),
    ("Facebook", "Facebook Advanced Analytics", False, True, True),
    ("AMC", "Amazon Marketing Cloud", False, True, True),
    ("ADH", "Google Ads Data Hub", False, True, True),
    ("LinkedIn", "LinkedIn", False, True, True),
]

CLEANROOM_ROLES = ["Administrator", "Analyst", "Viewer"]
PARTNER_ROLES = ["Partner Administrator", "Partner Analyst", "Partner Viewer"]

FAILURES = [
    ("Dataset exposures has no rows in the selected partition range",
     "Query returned no data for exposures.date between the given dates", False),
    ("Crowd size threshold not met: every output row was below CROWD_SIZE and was suppressed",
     "All result rows suppressed by the privacy threshold", False),
    ("Query exceeded the DEFAULT compute capacity",
     "Out of memory while joining exposures and conversions; retry with LARGE compute capacity", True),
    ("Partner dataset unavailable: the partner's data connection is refreshing",
     "Partner data connection job in progress; the run can be retried", True),
    ("Invalid parameter value for {param}",
     "Parameter {param} must be between 1 and 90", False),
]
#: the placeholder a failure about one of the run's own parameters names it by
PARAM = "{param}"


def fit_failure(reason: str, message: str, retryable: bool, params: dict[str, str]) -> tuple[str, str, bool]:
    """A failure that names a parameter names one of the run's numeric ones; a run with none fails
    another way (a demo reason naming a parameter the run does not have confused operators)."""
    if PARAM not in reason and PARAM not in (message or ""):
        return reason, message, retryable
    numeric = sorted(k for k, v in params.items() if str(v).strip().lstrip("-").isdigit())
    if not numeric:
        return FAILURES[2]
    return reason.replace(PARAM, numeric[0]), (message or "").replace(PARAM, numeric[0]), retryable

PLATFORM_ERROR = ("Internal error while provisioning the execution environment",
                  "Execution environment could not be started (code 13)", True)


def _date(name: str, display: str, description: str) -> ParamSpec:
    return ParamSpec(name, "DATE", display, description, example="2026-01-31")


def _int(name: str, display: str, example: str, default: str | None = None, minimum: int = 1) -> ParamSpec:
    return ParamSpec(name, "INTEGER", display, f"{display} (whole number)", example=example, default=default,
                     minimum=minimum)


def _enum(name: str, display: str, allowed: list[str], default: str | None = None) -> ParamSpec:
    return ParamSpec(name, "STRING", display, f"One of {', '.join(allowed)}", example=allowed[0],
                     allowed=allowed, default=default)


def _text(name: str, display: str, example: str) -> ParamSpec:
    return ParamSpec(name, "STRING", display, display, example=example)


def _partition(macro: str, field: str = "date") -> list[ParamSpec]:
    config = {"type": "Range", "values": [], "rollingUnit": "Days", "isEnforced": False}
    return [ParamSpec(f"{macro}.{field}_{edge}", "DATE", f"{macro} {field} {edge}",
                      f"Partition filter on @{macro}.{field} ({edge} of range)", example="2026-01-01",
                      partition=dict(config)) for edge in ("start", "end")]


def _dim(name: str, values: list[str]) -> OutputColumn:
    return OutputColumn(name, "STRING", "dimension", tuple(values))


def _count(name: str, low: float, high: float) -> OutputColumn:
    return OutputColumn(name, "LONG", "count", low=low, high=high)


def _ratio(name: str, low: float, high: float) -> OutputColumn:
    return OutputColumn(name, "DOUBLE", "ratio", low=low, high=high)


def _seq(name: str) -> OutputColumn:
    return OutputColumn(name, "INTEGER", "sequence")


CRM_ATTRIBUTES = ["EDUCATION", "INCOME", "AGE_RANGE"]
CRM_VALUES = ["High School", "Some College", "Bachelor's", "Graduate", "<$50k", "$50k-$100k",
              "$100k-$150k", "$150k+", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
CHANNELS = ["Display", "Online Video", "CTV", "Social", "Search", "Audio", "Native", "Email"]
CAMPAIGNS = ["Spring Refresh", "Back to School", "Black Friday", "Holiday Gifting", "New Year Sale",
             "Summer Getaway", "Loyalty Relaunch", "Home Essentials", "Outdoor Living", "Brand Always-On"]
PUBLISHERS = ["Contoso Media", "Fabrikam Publishing", "Adatum Streaming", "Litware Data", "Tailspin Travel",
              "Wide World Importers"]
REGIONS = ["Northeast", "Mid-Atlantic", "Southeast", "Midwest", "Southwest", "Mountain", "Pacific"]
SEGMENTS = ["lapsed_buyers", "high_value", "new_movers", "outdoor_enthusiasts", "frequent_travellers",
            "deal_seekers", "home_improvers"]

_ATTR_SQL = ("select c.@CRM_ATTRIBUTE as attribute_value, count(distinct e.rampid) as overlap_users\n"
             "from @exposures e join @crm c on e.rampid = c.rampid\ngroup by 1")
_ATTRIBUTION_SQL = ("select e.channel, sum(c.revenue) as attributed_revenue, count(*) as conversions\n"
                    "from @exposures e join @conversions c on e.rampid = c.rampid\n"
                    "where c.event_time between e.event_time and e.event_time + interval "
                    "'@click_attribution_window' day\ngroup by 1")

TEMPLATES: list[Template] = [
    Template(
        "Attribute Level Overlap and Index Report", "Overlap",
        "Overlap between your CRM audience and the partner's exposed audience, indexed per CRM attribute value.",
        "ANALYTICAL",
        {"crm": ("CRM", "CRM Data"), "exposures": ("AdExposure", "Ad Exposure")},
        [_enum("CRM_ATTRIBUTE", "CRM attribute", CRM_ATTRIBUTES), *_partition("exposures")],
        [_dim("attribute_value", CRM_VALUES), _count("overlap_users", 2_000, 400_000),
         _count("crm_users", 50_000, 900_000), _ratio("index", 40, 260)],
        14, _ATTR_SQL, ["overlap", "crm"]),
    Template(
        "Campaign Reach and Frequency", "Reach & Frequency",
        "Unique reach, impressions and average frequency per campaign over a date range.",
        "ANALYTICAL",
        {"exposures": ("AdExposure", "Ad Exposure")},
        [_date("start_date", "Start date", "First day of the reporting window"),
         _date("end_date", "End date", "Last day of the reporting window"), *_partition("exposures")],
        [_dim("campaign", CAMPAIGNS), _count("reach", 10_000, 3_000_000), _count("impressions", 50_000, 20_000_000),
         _ratio("avg_frequency", 1.2, 9.5)],
        10, "select campaign, count(distinct rampid) as reach, count(*) as impressions from @exposures group by 1",
        ["reach", "frequency"]),
    *[Template(
        f"Revenue Attribution ({touch})", "Attribution",
        f"Revenue attributed to exposed users with a {touch.lower()} model and custom attribution windows.",
        "ANALYTICAL",
        {"exposures": ("AdExposure", "Ad Exposure"), "conversions": ("Conversion", "Conversion Events")},
        [_int("click_attribution_window", "Click attribution window (days)", "14"),
         _int("imp_attribution_window", "Impression attribution window (days)", "14", default="7"),
         *_partition("exposures"), *_partition("conversions")],
        [_dim("channel", CHANNELS), _ratio("attributed_revenue", 5_000, 2_500_000), _count("conversions", 100, 90_000),
         _ratio("roas", 0.4, 12.0)],
        8, _ATTRIBUTION_SQL, ["attribution", "revenue"])
      for touch in ("First Touch", "Last Touch", "Linear")],
    Template(
        "Conversion Timing", "Attribution",
        "How many days pass between first exposure and conversion.",
        "ANALYTICAL",
        {"exposures": ("AdExposure", "Ad Exposure"), "conversions": ("Conversion", "Conversion Events")},
        [_int("conversion_window", "Conversion window (days)", "30"), *_partition("conversions")],
        [_seq("days_to_convert"), _count("conversions", 50, 40_000), _ratio("cumulative_pct", 1, 100)],
        30, "select datediff(day, e.first_seen, c.event_time) as days_to_convert, count(*) from @exposures e ...",
        ["timing"]),
    Template(
        "Optimal Frequency", "Reach & Frequency",
        "Conversion rate by exposure frequency to find the point of diminishing returns.",
        "ANALYTICAL",
        {"exposures": ("AdExposure", "Ad Exposure"), "conversions": ("Conversion", "Conversion Events")},
        [_int("max_frequency", "Maximum frequency bucket", "20", default="15"), *_partition("exposures")],
        [_seq("frequency"), _count("users", 1_000, 900_000), _ratio("conversion_rate", 0.1, 6.5)],
        20, "select frequency, count(distinct rampid) as users from (select rampid, count(*) frequency from @exposures ...)",
        ["frequency"]),
    Template(
        "CRM Overlap", "Overlap",
        "Match rate of your CRM file against the partner's identity graph, per CRM attribute value.",
        "ANALYTICAL",
        {"crm": ("CRM", "CRM Data"), "users": ("UserData", "User Data")},
        [_enum("CRM_ATTRIBUTE", "CRM attribute", CRM_ATTRIBUTES, default="AGE_RANGE")],
        [_dim("segment", CRM_VALUES), _count("crm_users", 10_000, 700_000), _count("matched_users", 2_000, 500_000),
         _ratio("match_rate", 8, 82)],
        14, "select c.@CRM_ATTRIBUTE as segment, count(*) crm_users, count(u.rampid) matched_users from @crm c ...",
        ["overlap", "crm"]),
    Template(
        "Media Overlap by Publisher", "Overlap",
        "Share of your converters reached by each publisher in the clean room.",
        "ANALYTICAL",
        {"exposures": ("AdExposure", "Ad Exposure"), "conversions": ("Conversion", "Conversion Events")},
        [*_partition("exposures")],
        [_dim("publisher", PUBLISHERS), _count("overlap_users", 1_000, 600_000), _ratio("pct_of_converters", 1, 64)],
        6, "select publisher, count(distinct e.rampid) from @exposures e join @conversions c using (rampid) group by 1",
        ["overlap"]),
    Template(
        "Incremental Lift by Channel", "Measurement",
        "Test-versus-control lift in conversion rate for one channel.",
        "ANALYTICAL",
        {"exposures": ("AdExposure", "Ad Exposure"), "conversions": ("Conversion", "Conversion Events")},
        [_enum("channel", "Channel", ["DISPLAY", "VIDEO", "CTV", "SOCIAL"]),
         _int("control_group_pct", "Control group (%)", "10", default="10"), *_partition("exposures")],
        [_dim("region", REGIONS), _ratio("test_conversion_rate", 0.5, 6), _ratio("control_conversion_rate", 0.3, 5),
         _ratio("lift_pct", -5, 45)],
        7, "select region, avg(converted) filter (where grp = 'test') ... from @exposures ...", ["lift"]),
    Template(
        "Sentiment Analysis by Region", "Sentiment Analysis",
        "Average review sentiment of exposed versus unexposed customers per region.",
        "ANALYTICAL",
        {"UserData": ("UserData", "User Data")},
        [_text("product_line", "Product line", "Outdoor Furniture")],
        [_dim("region", REGIONS), _ratio("avg_sentiment", -0.4, 0.9), _count("reviews", 100, 60_000)],
        7, "select region, avg(sentiment) from @UserData where product_line = '@product_line' group by 1",
        ["sentiment"]),
    Template(
        "Audience Segment Builder", "Audience Activation",
        "RampIDs of users matching a purchase-based segment, for activation.",
        "LIST",
        {"crm": ("CRM", "CRM Data"), "users": ("UserData", "User Data")},
        [_text("segment_name", "Segment name", "lapsed_buyers"),
         _int("min_purchases", "Minimum purchases", "2", default="1")],
        [OutputColumn("rampid", "STRING", "rampid"), _dim("segment", SEGMENTS), _ratio("score", 0, 1)],
        2_500, "select u.rampid, '@segment_name' as segment from @users u join @crm c using (customer_id) ...",
        ["activation"]),
    Template(
        "Large Audience Export", "Audience Activation",
        "Full matched audience with propensity scores, for export to a destination.",
        "LIST",
        {"crm": ("CRM", "CRM Data"), "users": ("UserData", "User Data")},
        [_text("audience_label", "Audience label", "holiday_prospects")],
        [OutputColumn("rampid", "STRING", "rampid"), _dim("segment", SEGMENTS), _ratio("score", 0, 1),
         _dim("region", REGIONS)],
        10_000, "select u.rampid, c.segment, c.score, c.region from @users u join @crm c using (customer_id)",
        ["activation", "export"], exact_rows=True),
]


def template(title: str) -> Template:
    for t in TEMPLATES:
        if t.title == title:
            return t
    raise KeyError(title)


#: (name, displayName, credentialSource)
DATA_SOURCES = [
    ("CLIENT_AWS_S3", "Client AWS S3", "AWS S3 Credential"),
    ("GOOGLE_CLOUD_STORAGE", "Google Cloud Storage", "Google Service Account"),
    ("SNOWFLAKE", "Snowflake", "Snowflake Account"),
    ("LIVERAMP_HOSTED_AWS_S3", "LiveRamp-Hosted AWS S3", ""),
    ("LOCAL_UPLOAD", "Local Upload", ""),
    ("PUBLISHER_SYNTHETIC", "Publisher Synthetic Dataset Library", ""),
]

#: (name, displayName)
DATA_TYPES = [
    ("AdExposure", "Ad Exposure"), ("CRM", "CRM Data"), ("Generic", "Generic"), ("UserData", "User Data"),
    ("Transaction", "Transaction Data"), ("Conversion", "Conversion Events"),
]

IDENTIFIER_TYPES = [("RAMPID", "RampID"), ("HASHED_EMAILS", "Hashed Emails"),
                    ("EMAIL_SHA256", "Email SHA256 Hashed"), ("CUSTOMER_FPID", "Customer First Party Identifier"),
                    ("HASHED_CUSTOMER_ID", "Hashed Customer ID"), ("MAID", "Mobile Advertising ID")]

#: (name, displayName, type, credentialSourceName)
DESTINATION_PLATFORMS = [
    ("THE_TRADE_DESK", "The Trade Desk", "USER_LIST", "The Trade Desk Credential"),
    ("S3_IAM_ROLE_EXPORT", "S3 IAM Role Export", "EXPORTS", "AWS IAM Role"),
    ("GCS_EXPORT", "GCS Export", "EXPORTS", "Google Service Account"),
    ("META", "Meta Custom Audiences", "QUESTION_USER_LIST", "Meta Business Credential"),
    ("PINTEREST", "Pinterest", "USER_LIST", "Pinterest Credential"),
]

#: (name, credentialSourceName, field names)
ORG_CREDENTIALS = [
    ("Northwind analytics bucket", "AWS S3 Credential", ["aws_access_key_id", "aws_secret_access_key"]),
    ("Northwind BigQuery exporter", "Google Service Account", ["service_account_json"]),
    ("Northwind Snowflake reader", "Snowflake Account", ["account", "user", "password"]),
]

"""Static vocabulary of the seeded world: key types, attribute columns and their value
distributions, destination types. Used by the seed, the stats endpoints and query results."""

from __future__ import annotations

from dataclasses import dataclass

#: key column id -> label (ids are small integers, sent as strings in stats maps — GUESS)
KEY_TYPES = {1: "Email", 2: "Phone", 3: "Postcode", 4: "IP Address", 5: "Mobile Ad ID"}
KEY_BY_NAME = {"email": 1, "phone": 2, "postcode": 3, "ip": 4, "maid": 5}


@dataclass(frozen=True)
class AttributeSpec:
    attr_id: int
    label: str
    category: str
    #: (representation suffix, label, value type, multi-valued)
    representations: tuple[tuple[str, str, str, bool], ...]
    #: categorical values with weights, or integer ranges, or a numeric (min, max) span
    values: tuple = ()
    ranges: tuple[tuple[int, int], ...] = ()
    span: tuple[float, float] | None = None


ATTRIBUTES: dict[str, AttributeSpec] = {
    "age": AttributeSpec(101, "Age", "GLOBAL", (("", "Age", "INTEGER", False),
                                                ("band", "Age band", "INTEGER_RANGE", False)),
                         ranges=((18, 25), (25, 35), (35, 45), (45, 55), (55, 65), (65, 120)), span=(18, 92)),
    "gender": AttributeSpec(102, "Gender", "GLOBAL", (("", "Gender", "STRING", False),),
                            values=(("Female", 49), ("Male", 47), ("Non-binary", 2), ("Unknown", 2))),
    "income": AttributeSpec(103, "Household Income", "GLOBAL",
                            (("", "Household income band", "INTEGER_RANGE", False),),
                            ranges=((0, 20000), (20000, 40000), (40000, 60000), (60000, 90000),
                                    (90000, 150000), (150000, 1000000))),
    "region": AttributeSpec(104, "Region", "GLOBAL", (("", "Region", "STRING", False),),
                            values=(("London", 18), ("South East", 14), ("North West", 11), ("Midlands", 12),
                                    ("Yorkshire", 9), ("Scotland", 8), ("South West", 9), ("Wales", 5),
                                    ("North East", 4), ("East of England", 10))),
    "interest": AttributeSpec(105, "Interests", "CUSTOM", (("", "Interests", "STRING_SET", True),),
                              values=(("Travel", 22), ("Cooking", 17), ("Sports", 15), ("Technology", 14),
                                      ("Fashion", 12), ("Finance", 8), ("Gaming", 7), ("Outdoors", 5))),
    "ltv": AttributeSpec(106, "Lifetime Value", "CUSTOM", (("", "Lifetime value (GBP)", "FLOAT", False),),
                         span=(0.0, 4800.0)),
    "tier": AttributeSpec(107, "Loyalty Tier", "CUSTOM", (("", "Loyalty tier", "STRING", False),),
                          values=(("Bronze", 55), ("Silver", 28), ("Gold", 13), ("Platinum", 4))),
    "cabin": AttributeSpec(108, "Cabin Class", "CUSTOM", (("", "Cabin class", "STRING", False),),
                           values=(("Economy", 71), ("Premium Economy", 14), ("Business", 12), ("First", 3))),
    "plan": AttributeSpec(109, "Subscription Plan", "CUSTOM", (("", "Subscription plan", "STRING", False),),
                          values=(("Digital", 52), ("Print + Digital", 31), ("Weekend", 17))),
    "purchases": AttributeSpec(110, "Purchases (12m)", "CUSTOM", (("", "Purchases in 12 months", "INTEGER", False),),
                               span=(0, 60)),
}

DESTINATION_TYPES = {
    "google_ads": "Google Ads",
    "the_trade_desk": "The Trade Desk",
    "amazon_s3": "Amazon S3",
    "meta_custom_audiences": "Meta Custom Audiences",
    "liveramp": "LiveRamp",
    "snowflake": "Snowflake",
}

#: per destination type: a plausible config (secrets already redacted as the API does)
DESTINATION_CONFIGS = {
    "google_ads": lambda slug: {"customer_id": "123-456-7890", "audience_prefix": slug,
                                "refresh_token": "X-INFOSUM-REDACTED"},
    "the_trade_desk": lambda slug: {"advertiser_id": f"ttd{slug[:6]}", "secret_key": "X-INFOSUM-REDACTED"},
    "amazon_s3": lambda slug: {"bucket": f"{slug}-audiences", "prefix": "infosum/", "region": "eu-west-2",
                               "aws_secret_access_key": "X-INFOSUM-REDACTED"},
    "meta_custom_audiences": lambda slug: {"ad_account_id": "act_20491", "access_token": "X-INFOSUM-REDACTED"},
    "liveramp": lambda slug: {"account_id": slug, "sftp_password": "X-INFOSUM-REDACTED"},
    "snowflake": lambda slug: {"account": f"{slug}.eu-west-2.aws", "database": "AUDIENCES",
                               "password": "X-INFOSUM-REDACTED"},
}

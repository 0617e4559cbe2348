-- Age at an event = whole years between dob and the event's date; on the birthday the
-- new year of age has begun. Someone born on 29 February has their birthday on 1 March
-- in other years (as in English law). Used by the load's checks (age over 24 at the
-- event) and by every measure: defined here once.
CREATE OR REPLACE MACRO met_age(dob, d) AS
    year(d::DATE) - year(dob)
    - CASE WHEN month(d::DATE) * 100 + day(d::DATE) < month(dob) * 100 + day(dob) THEN 1 ELSE 0 END;

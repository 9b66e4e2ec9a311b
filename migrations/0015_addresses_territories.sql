-- Addresses shaped like the state address register (ГАР/ФИАС) and the territories assigned to
-- schools (закреплённые территории, Order 458 §8). See docs/addresses.md.
--
-- Search by typing uses prefix matches on normalised words (lower case, ё → е, type
-- abbreviations removed) through text_pattern_ops btree indexes: pg_trgm is not available in the
-- embedded PGlite, and prefix matching of whole words is what typing an address needs.

-- A settlement (город, станица, хутор…) or a street-level object (улица, переулок, микрорайон…).
CREATE TABLE address_object (
  id uuid PRIMARY KEY,                               -- GAR OBJECTGUID
  object_id bigint NOT NULL UNIQUE,                  -- GAR OBJECTID
  level smallint NOT NULL,                           -- GAR level: 5 city, 6 settlement, 7 planning structure, 8 street
  kind text NOT NULL CHECK (kind IN ('settlement', 'street')),
  name text NOT NULL,
  type_name text NOT NULL,                           -- GAR TYPENAME: 'ул', 'г', 'ст-ца', 'пр-кт'
  parent_id uuid REFERENCES address_object (id),     -- a street's settlement; NULL for a settlement
  municipality_id integer NOT NULL REFERENCES municipality (id),
  label text NOT NULL,                               -- 'г Краснодар, ул Красная'
  search_key text NOT NULL,                          -- normalised name: 'красная'
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'settlement') = (parent_id IS NULL))
);
CREATE INDEX address_object_parent ON address_object (parent_id, search_key);
CREATE INDEX address_object_municipality ON address_object (municipality_id, kind, search_key);

-- Every normalised word of an object's name and, for a street, of its settlement's name, so
-- that 'краснодар красная' finds the street through one prefix lookup per word.
CREATE TABLE address_object_word (
  word text NOT NULL,
  object_id uuid NOT NULL REFERENCES address_object (id) ON DELETE CASCADE,
  own boolean NOT NULL,                              -- a word of the object's own name (not its settlement's)
  PRIMARY KEY (object_id, word)
);
CREATE INDEX address_object_word_prefix ON address_object_word (word text_pattern_ops, object_id);

CREATE TABLE address_house (
  id uuid PRIMARY KEY,                               -- GAR OBJECTGUID
  object_id bigint NOT NULL UNIQUE,                  -- GAR OBJECTID
  parent_id uuid NOT NULL REFERENCES address_object (id),      -- the street (or the settlement for houses without a street)
  settlement_id uuid NOT NULL REFERENCES address_object (id),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  house_number text NOT NULL,                        -- GAR HOUSENUM: '12', '12а', '12/1'
  building text,                                     -- корпус (GAR ADDNUM1 with ADDTYPE1 = 1)
  structure text,                                    -- строение / сооружение / литера (ADDNUM1/2 of other types)
  number_key text NOT NULL,                          -- normalised for typing: '12а', '12/1', '12к2', '12с1'
  number_int integer,                                -- the leading integer of the number (12 for '12а', '12/1'): ranges and odd/even sides
  residential boolean NOT NULL DEFAULT true,         -- false for a garage, shed, boiler house… (GAR HOUSETYPE)
  label text NOT NULL,                               -- 'г Краснодар, ул Красная, д. 12'
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX address_house_parent ON address_house (parent_id, number_key text_pattern_ops);
CREATE INDEX address_house_parent_number ON address_house (parent_id, number_int, number_key);
CREATE INDEX address_house_settlement ON address_house (settlement_id);
CREATE INDEX address_house_municipality_label ON address_house (municipality_id, label, id);

-- The municipality's act assigning houses to schools (распорядительный акт о закреплении
-- территорий, Order 458 §8). The published act with the latest valid_from on or before a date
-- is the one in force on that date.
CREATE TABLE territory_act (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  municipality_id integer NOT NULL REFERENCES municipality (id),
  number text NOT NULL,
  signed_on date NOT NULL,
  title text NOT NULL,
  document_url text,                                 -- the act published on the municipality's site
  document_name text,                                -- or the name of the signed file
  valid_from date NOT NULL,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  version integer NOT NULL DEFAULT 1,
  CHECK ((status = 'published') = (published_at IS NOT NULL))
);
CREATE INDEX territory_act_municipality ON territory_act (municipality_id, status, valid_from DESC);

-- One line of the act: a school gets a whole street (or settlement), a range of numbers, one
-- side of a street (optionally within a range), or a single house.
CREATE TABLE territory_rule (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  act_id uuid NOT NULL REFERENCES territory_act (id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES organization (id),
  object_id uuid NOT NULL REFERENCES address_object (id),
  kind text NOT NULL CHECK (kind IN ('wholeStreet', 'range', 'odd', 'even', 'house')),
  number_from integer,
  number_to integer,
  house_id uuid REFERENCES address_house (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'house') = (house_id IS NOT NULL)),
  CHECK (kind <> 'range' OR (number_from IS NOT NULL AND number_to IS NOT NULL)),
  CHECK (number_from IS NULL OR number_to IS NULL OR number_from <= number_to)
);
CREATE INDEX territory_rule_act_object ON territory_rule (act_id, object_id);
CREATE INDEX territory_rule_act_organization ON territory_rule (act_id, organization_id);
CREATE INDEX territory_rule_house ON territory_rule (house_id) WHERE house_id IS NOT NULL;

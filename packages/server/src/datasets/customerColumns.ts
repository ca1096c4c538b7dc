/**
 * Which columns of an uploaded file fill the customer's Lookout fields. A column name is compared
 * after folding: accents dropped, lower case, letters and digits only ("E-mail", "e_mail" and
 * "EMAIL" all read "email"; "Teléfono" reads "telefono"). The first name of each list that a
 * column of the file has wins; a column fills one field at most.
 */
export const FIELD_NAMES = {
  name: [
    'name',
    'fullname',
    'customername',
    'clientname',
    'contactname',
    'nombre',
    'nombrecompleto',
    'nombrecliente',
    'nome',
    'nomecompleto',
    'nomecliente',
  ],
  firstName: ['firstname', 'givenname', 'forename', 'nombres', 'primernombre', 'primeironome'],
  lastName: ['lastname', 'surname', 'familyname', 'apellido', 'apellidos', 'sobrenome'],
  phone: [
    'phone',
    'phonenumber',
    'phoneno',
    'telephone',
    'tel',
    'mobile',
    'mobilephone',
    'mobilenumber',
    'cellphone',
    'cell',
    'msisdn',
    'whatsapp',
    'telefono',
    'celular',
    'movil',
    'telefone',
  ],
  email: ['email', 'emailaddress', 'mail', 'correo', 'correoelectronico'],
  /** A whole location in one column: used as it is. */
  location: ['location', 'address', 'customeraddress', 'direccion', 'endereco', 'ubicacion', 'localizacion'],
  /** Otherwise the location is "city, region, country" from whichever of these the file has. */
  city: ['city', 'town', 'ciudad', 'cidade', 'municipio', 'comuna'],
  region: ['region', 'state', 'province', 'provincia', 'departamento', 'regiao'],
  country: ['country', 'countryname', 'pais'],
  store: [
    'store',
    'storename',
    'storeid',
    'storecode',
    'shop',
    'branch',
    'outlet',
    'tienda',
    'sucursal',
    'loja',
  ],
} as const;

type FieldKey = keyof typeof FIELD_NAMES;

/** Name columns that may hold a first name only (joined with a last-name column when there is one). */
const BARE_NAMES = new Set(['name', 'nombre', 'nome']);

/** A column name as FIELD_NAMES lists them: no accents, lower case, letters and digits only. */
export function foldName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/** The columns that fill each field, and those kept as attributes. */
export interface CustomerColumnMap {
  id: string;
  /** One column (a full name), or first + last name joined by a space. */
  name: string[];
  phone: string | null;
  email: string | null;
  /** One column, or city, region, country joined by ", ". */
  location: string[];
  store: string | null;
  /** Every other column, kept per customer in `attributes` (combined location parts stay here too). */
  attributes: string[];
}

/** Matches a file's columns (besides the id) to the customer fields; see FIELD_NAMES. */
export function mapCustomerColumns(columns: readonly string[], id: string): CustomerColumnMap {
  const used = new Set<string>([id]);
  const folded = new Map(columns.filter((c) => c !== id).map((c) => [c, foldName(c)]));
  const find = (field: FieldKey): string | null => {
    for (const want of FIELD_NAMES[field]) {
      for (const [col, f] of folded) if (f === want && !used.has(col)) return col;
    }
    return null;
  };
  const take = (field: FieldKey): string | null => {
    const col = find(field);
    if (col !== null) used.add(col);
    return col;
  };
  // "Nombre" beside "Apellido" is a first name: a bare name column joins a last-name column.
  const whole = take('name');
  const full = whole !== null && !BARE_NAMES.has(foldName(whole));
  const nameParts = full ? [whole] : [whole ?? take('firstName'), take('lastName')].filter(isString);
  const phone = take('phone');
  const email = take('email');
  const store = take('store');
  const single = take('location');
  // Parts of a combined location are also attributes (a region is something to filter on).
  const parts = single !== null ? [single] : [find('city'), find('region'), find('country')].filter(isString);
  return {
    id,
    name: nameParts,
    phone,
    email,
    location: parts,
    store,
    attributes: columns.filter((c) => !used.has(c)),
  };
}

function isString(v: string | null): v is string {
  return v !== null;
}

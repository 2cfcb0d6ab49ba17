#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the netlink fuzzer's table of requests from the YNL spec.

    scripts/gen-fuzz-spec.py SPEC OUT

tests/tools/sdp-nlfuzz.c builds its requests from this table: every
operation with a do or a dump, the attributes its request takes, their
types, nesting and the checks the spec states (which the kernel's
generated policies enforce).  Attribute and command numbers are the
constants of the generated uapi header.  A request construct the table
cannot describe stops the generator, so the fuzzer never silently falls
behind the spec.
"""

import sys

import yaml

TYPES = {'u8': 'FZ_U8', 'u16': 'FZ_U16', 'u32': 'FZ_U32', 'u64': 'FZ_U64',
         'string': 'FZ_STRING', 'binary': 'FZ_BINARY', 'nest': 'FZ_NEST',
         'pad': 'FZ_PAD'}


def c_name(*parts):
    return '_'.join(p.upper().replace('-', '_') for p in parts)


class Spec:
    def __init__(self, spec):
        self.spec = spec
        self.prefix = spec['name']
        self.sets = {s['name']: s for s in spec['attribute-sets']}
        self.defs = {d['name']: d for d in spec.get('definitions', [])}
        self.emitted = []       # set keys in emission order
        self.tables = {}        # set key -> list of C initializer lines

    def fail(self, msg):
        sys.exit(f'gen-fuzz-spec: {msg}')

    def attr(self, set_name, attr_name):
        """The full definition of an attribute, and its enum's set name."""
        s = self.sets[set_name]
        owner = s.get('subset-of', set_name)
        for a in self.sets[owner]['attributes']:
            if a['name'] == attr_name:
                return a, owner
        self.fail(f'{set_name}.{attr_name}: no such attribute')

    def value(self, v):
        if isinstance(v, int):
            return str(v)
        if v in self.defs and self.defs[v]['type'] == 'const':
            return c_name(self.prefix, v)
        self.fail(f'check value {v!r} is neither a number nor a const')

    def checks(self, where, a):
        """C initializers for the checks of attribute @a."""
        out = []
        checks = dict(a.get('checks', {}))
        for key in ('min', 'max'):
            if key in checks:
                out.append(f'.has_{key} = 1, .{key} = {self.value(checks.pop(key))}')
        if 'max-len' in checks:
            out.append(f'.max_len = {self.value(checks.pop("max-len"))}')
        if checks:
            self.fail(f'{where}: checks {sorted(checks)} not supported')
        if 'enum' in a:
            e = self.defs[a['enum']]
            if e['type'] != 'enum' or a.get('enum-as-flags'):
                self.fail(f'{where}: only plain enums are supported')
            start = e.get('value-start', 0)
            out.append(f'.has_min = 1, .min = {start}, '
                       f'.has_max = 1, .max = {start + len(e["entries"]) - 1}')
        return out

    def emit_set(self, key, set_name, names):
        """Emit attribute table @key: attributes @names of @set_name."""
        if key in self.tables:
            return
        self.tables[key] = None     # nests may refer back to it
        lines = []
        for n in names:
            a, owner = self.attr(set_name, n)
            where = f'{set_name}.{n}'
            if a['type'] not in TYPES:
                self.fail(f'{where}: type {a["type"]} not supported')
            init = [f'.name = "{n}"', f'.id = {c_name(self.prefix, "a", owner, n)}',
                    f'.type = {TYPES[a["type"]]}']
            if a['type'] == 'nest':
                sub = a['nested-attributes']
                self.emit_set(sub, sub, [x['name'] for x in self.sets[sub]['attributes']])
                init.append(f'.nest = {c_name("fz_set", sub)}')
            if a.get('multi-attr'):
                init.append('.multi = 1')
            init += self.checks(where, a)
            lines.append('\t{ ' + ', '.join(init) + ' },')
        self.tables[key] = lines
        self.emitted.append(key)

    def ops(self):
        out = []
        for op in self.spec['operations']['list']:
            admin = 'uns-admin-perm' in op.get('flags', []) or \
                'admin-perm' in op.get('flags', [])
            for mode in ('do', 'dump'):
                if mode not in op:
                    continue
                req = (op[mode] or {}).get('request', {}).get('attributes', [])
                init = [f'.name = "{op["name"]}"',
                        f'.cmd = {c_name(self.prefix, "cmd", op["name"])}']
                if mode == 'dump':
                    init.append('.dump = 1')
                if admin:
                    init.append('.admin = 1')
                key = f'{op["name"]}-{mode}-request'
                self.emit_set(key, op['attribute-set'], req)
                init.append(f'.req = {c_name("fz_set", key)}')
                out.append('\t{ ' + ', '.join(init) + ' },')
        return out


def main():
    spec_path, out_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding='utf-8') as f:
        spec = Spec(yaml.safe_load(f))
    ops = spec.ops()
    out = []
    emit = out.append

    emit('/* SPDX-License-Identifier: GPL-2.0 */')
    emit('/* Do not edit: generated by scripts/gen-fuzz-spec.py from')
    emit(' * docs/netlink/specs/sdp.yaml (make uapi; make check-uapi checks it).')
    emit(' * Included by sdp-nlfuzz.c after its struct fz_attr, fz_set and fz_op.')
    emit(' */')
    emit('')
    emit('enum {')
    for key in spec.emitted:
        emit(f'\t{c_name("fz_set", key)},')
    emit('\tFZ_SET_NUM')
    emit('};')
    for key in spec.emitted:
        if not spec.tables[key]:
            continue
        emit('')
        emit(f'static const struct fz_attr {c_name("fz_attrs", key).lower()}[] = {{')
        out.extend(spec.tables[key])
        emit('};')
    emit('')
    emit('static const struct fz_set fz_sets[FZ_SET_NUM] = {')
    for key in spec.emitted:
        arr = c_name('fz_attrs', key).lower()
        n = len(spec.tables[key])
        emit(f'\t[{c_name("fz_set", key)}] = {{ "{key}", '
             f'{arr if n else "NULL"}, {n} }},')
    emit('};')
    emit('')
    emit('/* One entry per operation and mode (do, dump) the family serves. */')
    emit('static const struct fz_op fz_ops[] = {')
    out.extend(ops)
    emit('};')

    with open(out_path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()

/**
 * People for tests of platform code (notices, e-mail), which may not import a domain folder
 * itself: the test support layer hands it the registry's factory.
 */
export { createPerson } from '../../src/registry/person.factory.ts';

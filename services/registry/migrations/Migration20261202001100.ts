import { Migration } from '@mikro-orm/migrations';
import { dropFileStoreTablesSql, fileStoreTablesSql } from '@ansinh/common';

export class Migration20261202001100 extends Migration {

  override name = 'Migration20261202001100';

  override up(): void | Promise<void> {
    // The registry's file store (uploads, import reports): metadata and, without FILE_STORE_URL, content
    // in registry.files and registry.file_chunks, under row-level security on the file's unit path.
    for (const statement of fileStoreTablesSql('registry')) this.addSql(statement);
  }

  override down(): void | Promise<void> {
    for (const statement of dropFileStoreTablesSql('registry')) this.addSql(statement);
  }

}
